/**
 * Broadcast use cases (DESIGN §6), one module per responsibility: settings and notice file, plan, run, reports,
 * delivery statuses. Commands call these and render; nothing here prints.
 */
export * from './broadcast-delivery.js'
export * from './broadcast-plan.js'
export * from './broadcast-report.js'
export * from './broadcast-run.js'
export * from './broadcast-settings.js'

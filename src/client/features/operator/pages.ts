/** The operator's console: one chunk for its screens (the chart library is a chunk of its own). */
export { OperatorPage } from './OperatorPage.tsx';
export { OperatorReports } from './OperatorReports.tsx';
export { OperatorBans } from './OperatorBans.tsx';
export { OperatorPromotions } from './OperatorPromotions.tsx';
export { OperatorFigures } from './OperatorFigures.tsx';

/** The operator module's surface for the rest of the server. */
export { OperatorService } from './operator.service.ts';

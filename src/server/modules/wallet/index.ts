/** The wallet module's surface: the only way other modules move money. */
export { WalletService } from './wallet.service.ts';
export { walletRoutes } from './wallet.routes.ts';
export { BillsService } from './bills.service.ts';
export { checkLedger, type LedgerViolation } from './ledger-check.ts';

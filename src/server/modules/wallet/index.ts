/** The wallet module's surface: the only way other modules move money. */
export { WalletService } from './wallet.service.ts';
export { BillsService } from './bills.service.ts';
export { checkLedger, type LedgerViolation } from './ledger-check.ts';
export { PLATFORM, TOPUP_MAX_FEN, WALLET_MAX_FEN } from './wallet.service.ts';
export { checkWalletCounters } from './wallet.counters.ts';

import { emailAddressProblem, phoneNumberProblem, web3WalletProblem } from '../lib/identifier-format.js';

/**
 * The three kinds of identification a user owns. They share rules (uniqueness, verification, one
 * primary per kind) and differ only in table, column and format check.
 */
export const identificationKinds = {
  email_address: {
    table: 'email_addresses',
    column: 'email_address',
    primaryColumn: 'primary_email_address_id',
    uniqueIndex: 'email_addresses_email_key',
    human: 'email address',
    problem: emailAddressProblem,
    formatMessage: (param: string) => `${param} must be a valid email address.`,
  },
  phone_number: {
    table: 'phone_numbers',
    column: 'phone_number',
    primaryColumn: 'primary_phone_number_id',
    uniqueIndex: 'phone_numbers_phone_key',
    human: 'phone number',
    problem: phoneNumberProblem,
    formatMessage: (param: string) => `${param} must be a valid phone number according to E.164 international standard.`,
  },
  web3_wallet: {
    table: 'web3_wallets',
    column: 'web3_wallet',
    primaryColumn: 'primary_web3_wallet_id',
    uniqueIndex: 'web3_wallets_wallet_key',
    human: 'web3 wallet',
    problem: web3WalletProblem,
    formatMessage: (param: string) =>
      `${param} must be a valid web3 wallet address that starts with 0x and contains 40 hexadecimal characters.`,
  },
} as const;

export type IdentificationKind = keyof typeof identificationKinds;

// The console's words in Vietnamese (the default), Chinese and English; a key missing from
// Chinese or English fails the type check.
import { en } from "./en";
import { vi } from "./vi";
import { zh } from "./zh";

export const messages = { vi, zh, en } as const;

export type MessageKey = keyof typeof vi;

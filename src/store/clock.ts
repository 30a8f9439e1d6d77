import { randomBytes, randomInt } from "node:crypto";

/** Time and randomness come in from outside so every rule can be tested without sleeping. */
export type Clock = () => number;

export interface RandomSource {
  /** A uniform integer in [0, max). */
  int(max: number): number;
  bytes(n: number): Buffer;
}

export const systemClock: Clock = () => Date.now();

export const cryptoRandom: RandomSource = {
  int: (max) => randomInt(max),
  bytes: (n) => randomBytes(n),
};

export const iso = (ms: number): string => new Date(ms).toISOString();
export const ms = (isoTime: string): number => Date.parse(isoTime);

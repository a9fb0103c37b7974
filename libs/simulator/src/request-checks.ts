// Small checks the request parsers share. Each refusal is a 400 naming the parameter, as
// OpenAI-compatible engines answer.
import { ApiError } from './api-error.js';

export const invalid = (message: string, param: string | null): ApiError => new ApiError(400, message, param);

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function optionalBoolean(value: unknown, param: string): boolean | undefined {
  if (value == null) return undefined;
  if (typeof value !== 'boolean') throw invalid(`${param} must be a boolean`, param);
  return value;
}

export function requiredString(value: unknown, param: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(`${param} must be a non-empty string`, param);
  return value;
}

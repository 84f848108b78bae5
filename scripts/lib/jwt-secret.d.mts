// Types of jwt-secret.mjs for the TypeScript tests that import it.
export declare const JWT_SECRET_MIN_BYTES: number
export declare function jwtSecretProblem(value: string, source: string): string | undefined

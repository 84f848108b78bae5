// Types of secret-scan.mjs for the TypeScript tests that import it.
export declare const KEY_SHAPES: { name: string; pattern: RegExp }[]
export declare function scanText(file: string, text: string): string[]

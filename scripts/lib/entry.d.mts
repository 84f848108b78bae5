// Types of entry.mjs for the TypeScript tests that import it.
export declare function minimumNode(range: string | undefined): [number, number, number] | undefined
export declare function olderThan(version: string, minimum: [number, number, number]): boolean
export declare function ownArguments(scriptFile: string, argv?: string[]): string[]
export declare function startScript(entryUrl: string, main: string): Promise<void>

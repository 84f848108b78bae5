// The logging the stores need (the app passes its pino logger; scripts pass a console one).

export interface StoreLogger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

/** JSON lines on stderr, for the storage CLI and test fixtures. */
export const stderrLogger: StoreLogger = {
  info: (obj, msg) => console.error(JSON.stringify({ level: 'INFO', message: msg, ...obj })),
  warn: (obj, msg) => console.error(JSON.stringify({ level: 'WARNING', message: msg, ...obj })),
  error: (obj, msg) => console.error(JSON.stringify({ level: 'ERROR', message: msg, ...obj })),
}

export const silentLogger: StoreLogger = { info() {}, warn() {}, error() {} }

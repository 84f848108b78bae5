// What a caught value says, for the one-line messages the scripts print (a throw may carry any value).

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

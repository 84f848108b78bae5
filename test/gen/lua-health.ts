// Runs an Argo CD Lua health check (resource.customizations.health.<group>_<kind> in argocd-cm) the way Argo
// CD does: the object as the global table `obj`, the script returns `{status, message}`. Lua by fengari, a
// Lua 5.3 VM in JavaScript (Argo CD uses gopher-lua, Lua 5.1; our scripts use the common subset).
import { createRequire } from 'node:module'
import type { Parsed } from '../helpers/parsed.ts'

const { lua, lauxlib, lualib, to_luastring, to_jsstring } = createRequire(import.meta.url)('fengari') as Parsed

function push(L: unknown, value: unknown): void {
  if (value === null || value === undefined) lua.lua_pushnil(L)
  else if (typeof value === 'boolean') lua.lua_pushboolean(L, value)
  else if (typeof value === 'number') lua.lua_pushnumber(L, value)
  else if (typeof value === 'string') lua.lua_pushstring(L, to_luastring(value))
  else if (Array.isArray(value)) {
    lua.lua_createtable(L, value.length, 0)
    value.forEach((v, i) => {
      push(L, v)
      lua.lua_rawseti(L, -2, i + 1)
    })
  } else {
    lua.lua_newtable(L)
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      push(L, v)
      lua.lua_setfield(L, -2, to_luastring(k))
    }
  }
}

function field(L: unknown, name: string): string | undefined {
  lua.lua_getfield(L, -1, to_luastring(name))
  const value = lua.lua_isstring(L, -1) ? to_jsstring(lua.lua_tostring(L, -1)) : undefined
  lua.lua_pop(L, 1)
  return value
}

export interface HealthStatus {
  status: string
  message: string
}

export function runHealthCheck(script: string, obj: unknown): HealthStatus {
  const L = lauxlib.luaL_newstate()
  lualib.luaL_openlibs(L)
  push(L, obj)
  lua.lua_setglobal(L, to_luastring('obj'))
  if (lauxlib.luaL_loadstring(L, to_luastring(script)) !== lua.LUA_OK || lua.lua_pcall(L, 0, 1, 0) !== lua.LUA_OK) {
    throw new Error(`health check failed: ${to_jsstring(lua.lua_tostring(L, -1))}`)
  }
  if (!lua.lua_istable(L, -1)) throw new Error('health check returned no table')
  return { status: field(L, 'status') ?? '', message: field(L, 'message') ?? '' }
}

-- Runs once per Lua state, with the real globals, after the redis table was filled in.
-- Makes what scripts see match Redis 7.0: the same globals, read-only library tables and globals
-- ("Attempt to modify a readonly table"), an error on reading an undefined global, and the error
-- handler that adds where an error happened. Redis patches Lua for read-only tables; stock Lua 5.1
-- gets the same behaviour from proxies: empty tables whose metatable reads the real table.
local real_G = _G
local rawget, rawset, next, type, error, setmetatable, getmetatable, tostring =
      rawget, rawset, next, type, error, setmetatable, getmetatable, tostring
local dbg = debug
local setfenv, ipairs = setfenv, ipairs
local readonly = 'Attempt to modify a readonly table'

local real_of = setmetatable({}, {__mode = 'k'}) -- proxy -> real table

local function deny() error(readonly, 2) end

local function proxy(real, strict)
  local p = {}
  local mt = {__newindex = deny, __metatable = false}
  if strict then
    mt.__index = function(_, k)
      local v = (real_of[p] or real)[k]
      if v == nil then
        error("Script attempted to access nonexistent global variable '" .. tostring(k) .. "'", 2)
      end
      return v
    end
  else
    mt.__index = real
  end
  setmetatable(p, mt)
  real_of[p] = real
  return p
end

-- What scripts must not see (Redis 7.0 never loads os, io, package; it removes loadfile, dofile).
for _, name in ipairs({'print', 'loadfile', 'dofile', 'setfenv', 'getfenv', 'newproxy', 'module',
                       'require', 'package', 'os', 'io', 'debug'}) do
  real_G[name] = nil
end

-- Redis 7.0's error handler (what the error reply's "script: <sha>, on <source>:<line>." comes from).
real_G.__redis__err__handler = function(err)
  local level = 2
  local i = dbg.getinfo(level, 'nSl')
  if i and i.what == 'C' then
    level = level + 1
    i = dbg.getinfo(level, 'nSl')
  end
  -- Our read-only tables are Lua code (Redis's are C): the error belongs to the script's line.
  while i and i.source == '=sandbox' do
    level = level + 1
    i = dbg.getinfo(level, 'nSl')
  end
  if type(err) ~= 'table' then
    err = {err = 'ERR ' .. tostring(err)}
  end
  if i then
    err['source'] = i.source
    err['line'] = i.currentline
  end
  return err
end

-- Library tables become read-only proxies.
for _, name in ipairs({'string', 'table', 'math', 'coroutine', 'redis', 'cjson', 'bit', 'struct', 'cmsgpack'}) do
  local lib = rawget(real_G, name)
  if type(lib) == 'table' then real_G[name] = proxy(lib, false) end
end
getmetatable('').__index = real_G.string

-- Proxy-aware replacements of the functions that bypass metatables.
real_G.rawset = function(t, k, v)
  if real_of[t] then error(readonly, 0) end
  return rawset(t, k, v)
end
real_G.rawget = function(t, k)
  local real = real_of[t]
  return rawget(real or t, k)
end
real_G.next = function(t, k)
  return next(real_of[t] or t, k)
end
real_G.pairs = function(t)
  return real_G.next, t, nil
end
real_G.setmetatable = function(t, mt)
  if real_of[t] then error(readonly, 0) end
  return setmetatable(t, mt)
end

local G = proxy(real_G, true)
real_G._G = G
setfenv(0, G)

-- For the functions' engine: while a library loads, the globals show only its loading API
-- (a table of tables made strict here), as Redis 7.0 swaps the globals' __index.
local function strict(t)
  local out = {}
  for k, v in next, t do
    out[k] = type(v) == 'table' and strict(v) or v
  end
  return proxy(out, true)
end
return function(api)
  real_of[G] = api and real_of[strict(api)] or real_G
end

using System.Security.Cryptography;
using System.Text;
using Arrakis.Server.Commands;
using Arrakis.Server.Lua;
using Arrakis.Server.Runtime;
using Microsoft.Extensions.Logging;

namespace Arrakis.Server.Scripting;

/// <summary>
/// The Lua interpreter behind EVAL and EVALSHA (Redis keeps one per server, and so do we): the
/// sandboxed globals, the script cache by SHA1, and running a script as one command.
/// </summary>
/// <remarks>
/// Thread-safety: one script runs at a time (<see cref="Gate"/>, taken after the keyspace's stripes:
/// EVAL holds every stripe through the dispatcher, so no other client sees a script half done).
/// SCRIPT KILL and the BUSY check read <see cref="Running"/> without the gate.
/// </remarks>
internal sealed class ScriptEngine(ServerState server) : LuaHost(server)
{
    /// <summary>Cached scripts by SHA1, with their shebang flags (the compiled functions live in the Lua registry).</summary>
    private readonly Dictionary<string, ScriptFlags> _scripts = new(StringComparer.Ordinal);
    private long _bodyBytes;

    /// <summary>Cached scripts (number_of_cached_scripts).</summary>
    public int Count => Figure(ref _count, () => _scripts.Count);

    private int _count;

    /// <summary>Bytes of cached script bodies (used_memory_scripts_eval).</summary>
    public long BodyBytes => Interlocked.Read(ref _bodyBytes);

    public static string Sha1Hex(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA1.HashData(body));

    /// <summary>EVAL, EVALSHA and their _RO forms: arguments are script-or-sha numkeys key... arg...</summary>
    public void Eval(CommandContext ctx, bool bySha, bool readOnly)
    {
        if (bySha && ctx.Arg(1).Length != 40)
        {
            ctx.Error("NOSCRIPT No matching script. Please use EVAL.");
            return;
        }
        if (!ctx.TryArgLong(2, out long numKeys)) return;
        if (numKeys > ctx.ArgCount - 3)
        {
            ctx.Error("ERR Number of keys can't be greater than number of args");
            return;
        }
        if (numKeys < 0)
        {
            ctx.Error("ERR Number of keys can't be negative");
            return;
        }
        lock (Gate)
        {
            if (!EnsureState(ctx)) return;
            string sha;
            if (bySha)
            {
                sha = Encoding.Latin1.GetString(ctx.Arg(1)).ToLowerInvariant();
                if (sha.Length != 40 || !_scripts.ContainsKey(sha))
                {
                    ctx.Error("NOSCRIPT No matching script. Please use EVAL.");
                    return;
                }
            }
            else
            {
                sha = Sha1Hex(ctx.Arg(1));
                if (!_scripts.ContainsKey(sha) && !Compile(ctx, ctx.Arg(1), sha, out _)) return;
            }
            var flags = _scripts[sha];
            if (readOnly && (flags & (ScriptFlags.EvalCompat | ScriptFlags.NoWrites)) == 0)
            {
                ctx.Error("ERR Can not execute a script with write flag using *_ro command.");
                return;
            }
            var run = new ScriptRun(ctx, sha, flags, readOnly, isFunction: false);
            Lua!.SetTop(0);
            Lua.RawGetField(LuaApi.RegistryIndex, "arrakis.G");
            SetArray(ctx, "KEYS", 3, (int)numKeys);
            SetArray(ctx, "ARGV", 3 + (int)numKeys, ctx.ArgCount - 3 - (int)numKeys);
            Lua.RawGetField(1, "__redis__err__handler");
            Lua.RawGetField(LuaApi.RegistryIndex, "arrakis.scripts");
            Lua.PushString(sha);
            Lua.RawGet(-2);
            Lua.Remove(-2);
            Invoke(run, argCount: 0, handler: 2);
        }
    }

    /// <summary>SCRIPT DEBUG: NO is what runs; the Lua debugger (YES, SYNC) is not built.</summary>
    public static void Debug(CommandContext ctx)
    {
        if (ctx.ArgIs(2, "NO"))
        {
            ctx.Reply.WriteOk();
            return;
        }
        if (ctx.ArgIs(2, "YES") || ctx.ArgIs(2, "SYNC"))
        {
            ctx.Error("ERR SCRIPT DEBUG YES|SYNC: the Lua debugger (LDB) is not supported by Arrakis");
            return;
        }
        ctx.Error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
    }

    /// <summary>SCRIPT LOAD: compiles and caches; replies the SHA1.</summary>
    public void Load(CommandContext ctx)
    {
        lock (Gate)
        {
            if (!EnsureState(ctx)) return;
            string sha = Sha1Hex(ctx.Arg(2));
            if (!_scripts.ContainsKey(sha) && !Compile(ctx, ctx.Arg(2), sha, out _)) return;
            ctx.Reply.WriteBulk(sha);
        }
    }

    /// <summary>SCRIPT EXISTS: 1 or 0 per SHA1.</summary>
    public void Exists(CommandContext ctx)
    {
        lock (Gate)
        {
            ctx.Reply.WriteArrayHeader(ctx.ArgCount - 2);
            for (int i = 2; i < ctx.ArgCount; i++)
            {
                string sha = Encoding.Latin1.GetString(ctx.Arg(i)).ToLowerInvariant();
                ctx.Reply.WriteInteger(_scripts.ContainsKey(sha) ? 1 : 0);
            }
        }
    }

    /// <summary>SCRIPT FLUSH: forgets every script and starts a new interpreter (as Redis does).</summary>
    public void Flush()
    {
        lock (Gate)
        {
            _scripts.Clear();
            Interlocked.Exchange(ref _bodyBytes, 0);
            ResetState();
        }
    }

    /// <summary>Compiles <paramref name="body"/> as function <paramref name="sha"/> and caches it, or
    /// replies the compile error. Lua state ready, gate held.</summary>
    private bool Compile(CommandContext ctx, ReadOnlySpan<byte> body, string sha, out ScriptFlags flags)
    {
        var parsed = ScriptFlagNames.ParseShebang(body, out int shebangLength, out string? error);
        if (parsed is null)
        {
            ctx.Error(error!);
            flags = ScriptFlags.None;
            return false;
        }
        flags = parsed.Value;
        // The shebang line stays as a comment, so line numbers in errors are the script's own.
        byte[] chunk = shebangLength > 0 ? [(byte)'-', (byte)'-', .. body] : body.ToArray();
        Lua!.SetTop(0);
        if (Lua.Load(chunk, "@user_script") != LuaStatus.Ok)
        {
            string message = Lua.ToText(-1);
            Lua.SetTop(0);
            ctx.Error("ERR Error compiling script (new function): " + message);
            return false;
        }
        Lua.RawGetField(LuaApi.RegistryIndex, "arrakis.scripts");
        Lua.PushString(sha);
        Lua.PushValue(1);
        Lua.RawSet(2);
        Lua.SetTop(0);
        _scripts[sha] = flags;
        Interlocked.Add(ref _bodyBytes, body.Length);
        return true;
    }

    /// <summary>Sets global <paramref name="name"/> (in the real globals at index 1) to the arguments from <paramref name="first"/>.</summary>
    private void SetArray(CommandContext ctx, string name, int first, int count)
    {
        Lua!.NewTable(count, 0);
        for (int i = 0; i < count; i++)
        {
            Lua.PushBytes(ctx.Arg(first + i));
            Lua.RawSetI(-2, i + 1);
        }
        Lua.RawSetField(1, name);
    }

    protected override void OnStateCreated(LuaState lua)
    {
        lua.NewTable();
        lua.RawSetField(LuaApi.RegistryIndex, "arrakis.scripts");
    }

    protected override void LogScriptError(string message) =>
        Server.Log.LogDebug("script error: {Message}", message);
}

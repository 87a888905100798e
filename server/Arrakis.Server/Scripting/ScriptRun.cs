using System.Buffers;
using System.Diagnostics;
using Arrakis.Protocol;
using Arrakis.Server.Commands;

namespace Arrakis.Server.Scripting;

/// <summary>
/// One script or function call in progress: who called it, what it may do, the context its
/// redis.call commands run in, and whether it was asked to stop.
/// </summary>
/// <remarks>Owned by the thread that runs the script; <see cref="KillRequested"/> and <see cref="Busy"/>
/// are also read and written by other threads (SCRIPT KILL, the dispatcher's BUSY check).</remarks>
internal sealed class ScriptRun
{
    public ScriptRun(CommandContext caller, string name, ScriptFlags flags, bool readOnly, bool isFunction)
    {
        Caller = caller;
        Name = name;
        Flags = flags;
        ReadOnly = readOnly || (flags & ScriptFlags.NoWrites) != 0;
        IsFunction = isFunction;
        // The connection keeps its script context and reply capture: a script per request allocates little.
        Inner = caller.ScriptInner ??= new CommandContext(caller.Session, caller.Server, caller.Thread) { InExec = true, InScript = true };
        var buffers = caller.ScriptBuffers ??= new ScriptBuffers();
        Capture = buffers.Capture;
        Writer2 = buffers.Writer2;
        Writer3 = buffers.Writer3;
        StartTimestamp = Stopwatch.GetTimestamp();
        CallerArgs = isFunction ? caller.CopyArgs() : [];
    }

    /// <summary>The command that started a function (FUNCTION STATS shows it; empty for EVAL).</summary>
    public byte[][] CallerArgs { get; }

    public CommandContext Caller { get; }

    /// <summary>The script's SHA1 (EVAL) or the function's name (FCALL), for error messages.</summary>
    public string Name { get; }
    public ScriptFlags Flags { get; }
    public bool ReadOnly { get; }
    public bool IsFunction { get; }

    /// <summary>Where redis.call runs its commands (the caller's connection, replies captured).</summary>
    public CommandContext Inner { get; }
    public ArrayBufferWriter<byte> Capture { get; }
    public RespWriter Writer2 { get; }
    public RespWriter Writer3 { get; }

    /// <summary>The protocol redis.call's replies are converted from (<c>redis.setresp</c>).</summary>
    public int Resp { get; set; } = 2;

    public long StartTimestamp { get; }

    /// <summary>A write command ran: the script can no longer be killed (only SHUTDOWN NOSAVE stops it).</summary>
    public volatile bool Wrote;

    /// <summary>Ran past busy-reply-threshold: other clients are answered BUSY.</summary>
    public volatile bool Busy;

    public volatile bool KillRequested;

    /// <summary>SHUTDOWN NOSAVE stopped it: its effects are dropped instead of logged.</summary>
    public volatile bool Abandoned;

    public double ElapsedMs => Stopwatch.GetElapsedTime(StartTimestamp).TotalMilliseconds;
}

/// <summary>A connection's reply capture for redis.call, kept between scripts.</summary>
internal sealed class ScriptBuffers
{
    public ScriptBuffers()
    {
        Writer2 = new RespWriter(Capture, RespVersion.Resp2);
        Writer3 = new RespWriter(Capture, RespVersion.Resp3);
    }

    public ArrayBufferWriter<byte> Capture { get; } = new();
    public RespWriter Writer2 { get; }
    public RespWriter Writer3 { get; }
}

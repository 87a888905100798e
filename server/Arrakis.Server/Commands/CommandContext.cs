using System.Text;
using Arrakis.Protocol;
using Arrakis.Server.DataPlane;
using Arrakis.Server.Keyspace;
using Arrakis.Server.Runtime;
using Arrakis.Server.Sessions;

namespace Arrakis.Server.Commands;

/// <summary>
/// Everything a handler needs for one command: the arguments (spans into the connection's input
/// buffer), the reply writer, the database view and the server state. One per connection, reused.
/// </summary>
internal sealed class CommandContext(ClientSession session, ServerState server, DataPlaneThread thread)
{
    public ClientSession Session { get; } = session;
    public ServerState Server { get; } = server;
    public DataPlaneThread Thread { get; } = thread;
    public ThreadStats Stats => Thread.Stats;
    /// <summary>Where this command's reply goes: the session's writer, or a capture for a blocked client being served.</summary>
    public RespWriter Reply => _reply ?? Session.Writer;

    private RespWriter? _reply;
    private System.Buffers.ArrayBufferWriter<byte>? _capture;
    private byte[][]? _external;

    /// <summary>Runs the next command on arguments held outside the input buffer (MULTI queue, blocked
    /// clients), optionally replying into <paramref name="capture"/> through <paramref name="reply"/>.</summary>
    public void UseExternal(byte[][]? args, RespWriter? reply = null, System.Buffers.ArrayBufferWriter<byte>? capture = null)
    {
        _external = args;
        _reply = reply;
        _capture = capture;
    }

    /// <summary>Where the reply being written ends now (see <see cref="DiscardReplyAfter"/>).</summary>
    public long ReplyMark => _capture?.WrittenCount ?? Session.Output.Mark;

    /// <summary>Drops reply bytes written after <paramref name="mark"/> (a handler failed half way).</summary>
    public void DiscardReplyAfter(long mark)
    {
        if (_capture is null)
        {
            Session.Output.Truncate(mark);
            return;
        }
        var kept = _capture.WrittenSpan[..(int)Math.Min(mark, _capture.WrittenCount)].ToArray();
        _capture.Clear();
        System.Buffers.BuffersExtensions.Write(_capture, kept);
    }

    /// <summary>True while running a queued command inside EXEC (blocking commands then do not block).</summary>
    public bool InExec { get; set; }

    /// <summary>True for commands a script runs through redis.call: no MONITOR feed, reply modes, held
    /// replies or slow-log entries of their own (the script's command has them).</summary>
    public bool InScript { get; init; }

    /// <summary>Where this connection's scripts run their redis.call commands (created on its first script).</summary>
    public CommandContext? ScriptInner { get; set; }

    /// <summary>This connection's reply capture for redis.call (created on its first script).</summary>
    public Scripting.ScriptBuffers? ScriptBuffers { get; set; }

    /// <summary>True while a blocked client's command is retried for it: no data means no reply (it keeps waiting).</summary>
    public bool ServingBlocked { get; init; }

    /// <summary>While serving a blocked client: the ready key it is served from (Redis serves from the
    /// key that became ready, not from the first non-empty key of the command).</summary>
    public byte[]? ServingKey { get; init; }
    public CommandDefinition Command { get; set; } = null!;

    /// <summary>After a command (with the log on): the LSN its reply depends on (what it wrote or read), 0 for none.</summary>
    public long DependsOnLsn { get; set; }

    /// <summary>Time of this command in Unix ms; one value per command, as Redis caches it.</summary>
    public long NowMs { get; set; }

    /// <summary>Where argument offsets start in the input buffer.</summary>
    public int ArgBase { get; set; }

    public int ArgCount => _external?.Length ?? Session.Args.Count;

    public ReadOnlySpan<byte> Arg(int i)
    {
        if (_external is not null) return _external[i];
        var args = Session.Args;
        return args.IsInline
            ? args.Get(default, i)
            : Session.Input.Buffer.AsSpan(ArgBase + args.OffsetOf(i), args.LengthOf(i));
    }

    public byte[] ArgBytes(int i) => Arg(i).ToArray();

    /// <summary>All arguments copied out (for queueing).</summary>
    public byte[][] CopyArgs()
    {
        var copy = new byte[ArgCount][];
        for (int i = 0; i < copy.Length; i++) copy[i] = ArgBytes(i);
        return copy;
    }

    public string ArgString(int i) => Encoding.UTF8.GetString(Arg(i));

    /// <summary>Argument as Latin-1 text, byte for byte (for echoing user input inside error messages).</summary>
    /// <remarks>Redis formats arguments into errors with %s, so the text stops at the first NUL byte.</remarks>
    public string ArgText(int i)
    {
        var a = Arg(i);
        int nul = a.IndexOf((byte)0);
        return Encoding.Latin1.GetString(nul < 0 ? a : a[..nul]);
    }

    public bool ArgIs(int i, string word)
    {
        var a = Arg(i);
        if (a.Length != word.Length) return false;
        for (int k = 0; k < a.Length; k++)
        {
            int c = a[k];
            if (c is >= 'a' and <= 'z') c -= 32;
            int w = word[k];
            if (w is >= 'a' and <= 'z') w -= 32;
            if (c != w) return false;
        }
        return true;
    }

    public Db Db => new(Server.Keyspace, Session.Db, NowMs, Stats);

    public Db DbAt(int index) => new(Server.Keyspace, index, NowMs, Stats);

    public void Error(string message)
    {
        // Redis trims CR/LF at the end of an error (the writer turns the ones inside into spaces).
        message = message.TrimEnd('\r', '\n');
        Reply.WriteError(message);
        Stats.CountError(message);
    }

    public void SyntaxError() => Error(Errors.Syntax);

    public void WrongType() => Error(Errors.WrongType);

    /// <summary>Parses argument <paramref name="i"/> as a 64-bit integer, replying Redis's error when it is not.</summary>
    public bool TryArgLong(int i, out long value, string error = Errors.NotInteger)
    {
        if (RespNumber.TryParseInt64(Arg(i), out value)) return true;
        Error(error);
        return false;
    }

    /// <summary>Parses argument <paramref name="i"/> as a double (Redis's strtod rules), replying Redis's error when it is not.</summary>
    public bool TryArgDouble(int i, out double value, string error = Errors.NotFloat)
    {
        if (Numbers.TryParseDouble(Arg(i), out value)) return true;
        Error(error);
        return false;
    }
}

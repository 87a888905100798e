using Arrakis.IoBypass.Transport.InMemory;
using Arrakis.Server.Commands;
using Arrakis.Server.Configuration;
using Arrakis.Server.DataPlane;
using Arrakis.Server.Runtime;
using Arrakis.Server.Sessions;
using Microsoft.Extensions.Logging.Abstractions;

namespace Arrakis.Server.Testing;

/// <summary>
/// Runs requests through the command path (parse, dispatch, execute, encode) on the calling thread,
/// with no network and no data-plane loop: for micro-benchmarks and allocation tests.
/// </summary>
public sealed class CommandHarness : IDisposable
{
    private readonly ClientSession _session;
    private readonly CommandContext _context;

    /// <summary>The server behind the harness (fuzz targets stop runaway scripts through it).</summary>
    internal ServerState State { get; }

    public CommandHarness(ServerOptions? options = null)
    {
        var state = State = new ServerState(options ?? new ServerOptions { Threads = 1 });
        var thread = new DataPlaneThread(0, 1, state, new InMemoryNetwork().CreateSource(), NullLogger.Instance);
        _session = new ClientSession(1, 1, thread, state.Limits, "harness:0", "harness:0") { Authenticated = true };
        _context = new CommandContext(_session, state, thread);
    }

    /// <summary>Executes one complete request; returns the reply's length (the reply is then dropped).</summary>
    public int Execute(ReadOnlySpan<byte> request)
    {
        Run(request);
        int written = _session.Output.Pending;
        _session.Output.Consume(written);
        return written;
    }

    /// <summary>The reply as text (for tests; allocates).</summary>
    public string ExecuteToString(ReadOnlySpan<byte> request)
    {
        Run(request);
        string text = System.Text.Encoding.Latin1.GetString(_session.Output.PendingSpan);
        _session.Output.Consume(_session.Output.Pending);
        return text;
    }

    private void Run(ReadOnlySpan<byte> request)
    {
        var input = _session.Input;
        input.Start = input.End = 0;
        request.CopyTo(input.FreeSpace(long.MaxValue));
        input.End = request.Length;
        _session.Reader.TryRead(input.UnparsedSpan, _session.Args, out _);
        _context.ArgBase = 0;
        CommandDispatcher.Execute(_context);
    }

    public void Dispose()
    {
        _session.Input.Release();
        _session.Output.Release();
    }
}

using System.Text;
using Arrakis.IoBypass.Block;
using Arrakis.IoBypass.Transport.InMemory;
using Arrakis.Persistence.Log;
using Arrakis.Server.Configuration;
using Arrakis.Server.Durability;
using Arrakis.Server.Runtime;

namespace Arrakis.Server.Tests.Durability;

/// <summary>A whole server over the in-memory network that recovers from and appends to a log on <paramref name="device"/>.</summary>
internal sealed class LoggedServer : IDisposable
{
    private readonly InMemoryNetwork _network = new();

    public LoggedServer(IQueuePair device, FsyncPolicy policy = FsyncPolicy.Always, int threads = 2, bool loadCorrupt = false, int hz = 10)
    {
        Server = new ArrakisServer(new ServerOptions { Threads = threads, Hz = hz }, _ => _network.CreateSource());
        Recovery = Server.OpenLog(device, "test device", new LogOpenOptions(policy, LoadCorrupt: loadCorrupt));
        Server.Start();
    }

    public ArrakisServer Server { get; }

    public LogRecoveryReport Recovery { get; }

    public InMemoryClient Connect() => _network.Connect();

    /// <summary>Sends <paramref name="request"/> (inline) and reads one whole reply.</summary>
    public static string Call(InMemoryClient c, string request, int timeoutMs = 10_000)
    {
        c.Write(Encoding.ASCII.GetBytes(request + "\r\n"));
        return ReadReply(c, timeoutMs);
    }

    /// <summary>Reads until a complete RESP reply has arrived; "" on timeout.</summary>
    public static string ReadReply(InMemoryClient c, int timeoutMs)
    {
        var sb = new StringBuilder();
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (DateTime.UtcNow < deadline)
        {
            sb.Append(Encoding.Latin1.GetString(c.Read(TimeSpan.FromMilliseconds(20))));
            if (Complete(sb.ToString(), out _)) return sb.ToString();
            if (c.ServerClosed)
            {
                sb.Append(Encoding.Latin1.GetString(c.Read(TimeSpan.Zero)));
                return Complete(sb.ToString(), out _) ? sb.ToString() : "";
            }
        }
        return sb.ToString();
    }

    private static bool Complete(string s, out int end)
    {
        end = 0;
        return s.Length > 0 && Skip(s, ref end) && end == s.Length;
    }

    private static bool Skip(string s, ref int at)
    {
        int nl = s.IndexOf("\r\n", at, StringComparison.Ordinal);
        if (nl < 0) return false;
        char type = s[at];
        string head = s[(at + 1)..nl];
        at = nl + 2;
        switch (type)
        {
            case '$' or '=' or '!':
                int len = int.Parse(head);
                if (len < 0) return true;
                if (s.Length < at + len + 2) return false;
                at += len + 2;
                return true;
            case '*' or '%' or '~' or '>':
                int n = int.Parse(head);
                if (type == '%') n *= 2;
                for (int i = 0; i < n; i++)
                {
                    if (at >= s.Length || !Skip(s, ref at)) return false;
                }
                return true;
            default:
                return true;
        }
    }

    public void Dispose() => Server.Stop();
}

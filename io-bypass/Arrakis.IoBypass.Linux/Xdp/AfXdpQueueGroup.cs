using Arrakis.IoBypass.Nic;

namespace Arrakis.IoBypass.Linux.Xdp;

/// <summary>
/// The AF_XDP queues of one interface sharing one XDP steering (one XSKMAP, one program, one link): one
/// queue per data-plane thread, queue i bound to NIC queue <c>QueueId + i</c>, each with its own UMEM and
/// rings. The control module owns the group; Dispose closes the queues and then detaches the program.
/// </summary>
public sealed class AfXdpQueueGroup : IDisposable
{
    private readonly XdpSteering _steering;
    private readonly INicQueue[] _queues;
    private bool _disposed;

    private AfXdpQueueGroup(XdpSteering steering, INicQueue[] queues)
    {
        _steering = steering;
        _queues = queues;
    }

    /// <summary>The queues, in NIC queue order; each belongs to one thread (see <see cref="INicQueue"/>).</summary>
    public IReadOnlyList<INicQueue> Queues => _queues;

    /// <summary>Attached in native (driver) mode; false: generic (SKB) mode.</summary>
    public bool DriverMode => _steering.DriverMode;

    /// <summary>
    /// Attaches the steering to <paramref name="options"/>' interface and opens <paramref name="count"/>
    /// queues from <c>options.QueueId</c> on. Returns 0 with the group and a report (one line per queue),
    /// or -errno naming the failed step; nothing stays claimed on failure.
    /// </summary>
    public static int TryOpen(AfXdpQueueOptions options, int count, out AfXdpQueueGroup? group, out string report)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (count < 1 || options.QueueId + (uint)count > options.QueueSlots) throw new ArgumentOutOfRangeException(nameof(count), "queues must fit the XSKMAP's slots");
        options.Validate();
        group = null;
        int rc = AfXdpNicQueue.AttachSteering(options, out int ifindex, out XdpSteering? steering, out report);
        if (rc < 0) return rc;
        var queues = new List<INicQueue>();
        var lines = new List<string>();
        for (int i = 0; i < count; i++)
        {
            var o = options with { QueueId = options.QueueId + (uint)i };
            rc = AfXdpNicQueue.Open(o, ifindex, steering!, ownsSteering: false, out AfXdpQueue? q, out string line);
            if (rc < 0)
            {
                foreach (INicQueue opened in queues) opened.Dispose();
                steering!.Dispose();
                report = line;
                return rc;
            }
            queues.Add(q!);
            lines.Add(line);
        }
        group = new AfXdpQueueGroup(steering!, queues.ToArray());
        report = string.Join(Environment.NewLine, lines);
        return 0;
    }

    /// <summary>Closes every queue (sockets, rings, UMEM), then the link (detaching the program), program and map. Startup/shutdown thread, after the data-plane threads stopped.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (INicQueue q in _queues) q.Dispose();
        _steering.Dispose();
    }
}

namespace Arrakis.Server.Runtime;

/// <summary>SLOWLOG entries: commands that ran longer than slowlog-log-slower-than. Any thread.</summary>
internal sealed class SlowLog
{
    private readonly object _gate = new();
    private readonly LinkedList<SlowLogEntry> _entries = new();
    private long _nextId;

    public void Add(long durationUs, byte[][] args, string client, string name, int maxLength)
    {
        lock (_gate)
        {
            _entries.AddFirst(new SlowLogEntry(_nextId++, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), durationUs, args, client, name));
            while (_entries.Count > maxLength) _entries.RemoveLast();
        }
    }

    public int Count
    {
        get { lock (_gate) return _entries.Count; }
    }

    public List<SlowLogEntry> Take(int count)
    {
        lock (_gate) return _entries.Take(count).ToList();
    }

    public void Reset()
    {
        lock (_gate) _entries.Clear();
    }

    public void Trim(int maxLength)
    {
        lock (_gate)
        {
            while (_entries.Count > maxLength) _entries.RemoveLast();
        }
    }
}

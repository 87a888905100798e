using System.Text;

namespace Arrakis.Server.Commands.PubSub;

/// <summary>
/// Keyspace notifications (notify-keyspace-events): events are published to
/// __keyspace@DB__:KEY (message: event name) and/or __keyevent@DB__:EVENT (message: key), filtered
/// by class. Costs one field read per event while notifications are off (the default).
/// </summary>
internal sealed class KeyspaceEvents(PubSubRegistry pubsub)
{
    [Flags]
    public enum Kind
    {
        None = 0,
        Keyspace = 1 << 0,   // K
        Keyevent = 1 << 1,   // E
        Generic = 1 << 2,    // g
        String = 1 << 3,     // $
        List = 1 << 4,       // l
        Set = 1 << 5,        // s
        Hash = 1 << 6,       // h
        ZSet = 1 << 7,       // z
        Expired = 1 << 8,    // x
        Evicted = 1 << 9,    // e
        Stream = 1 << 10,    // t
        KeyMiss = 1 << 11,   // m
        Module = 1 << 12,    // d
        New = 1 << 13,       // n
        All = Generic | String | List | Set | Hash | ZSet | Expired | Evicted | Stream | Module, // A
    }

    private volatile int _flags;

    public Kind Flags => (Kind)_flags;

    /// <summary>Parses Redis's class characters; false on an unknown one.</summary>
    public static bool TryParse(string text, out Kind flags)
    {
        flags = Kind.None;
        foreach (char ch in text)
        {
            flags |= ch switch
            {
                'A' => Kind.All,
                'g' => Kind.Generic,
                '$' => Kind.String,
                'l' => Kind.List,
                's' => Kind.Set,
                'h' => Kind.Hash,
                'z' => Kind.ZSet,
                'x' => Kind.Expired,
                'e' => Kind.Evicted,
                'K' => Kind.Keyspace,
                'E' => Kind.Keyevent,
                't' => Kind.Stream,
                'm' => Kind.KeyMiss,
                'd' => Kind.Module,
                'n' => Kind.New,
                _ => (Kind)(-1),
            };
            if (flags < 0) return false;
        }
        return true;
    }

    /// <summary>CONFIG GET's text, as Redis 7.0 prints it (which omits 'n' next to 'A' while keeping it active).</summary>
    public static string Format(Kind flags)
    {
        var sb = new StringBuilder();
        if ((flags & Kind.All) == Kind.All) sb.Append('A');
        else
        {
            foreach (var (k, ch) in new[] { (Kind.Generic, 'g'), (Kind.String, '$'), (Kind.List, 'l'), (Kind.Set, 's'), (Kind.Hash, 'h'), (Kind.ZSet, 'z'), (Kind.Expired, 'x'), (Kind.Evicted, 'e'), (Kind.Stream, 't'), (Kind.Module, 'd'), (Kind.New, 'n') })
            {
                if ((flags & k) != 0) sb.Append(ch);
            }
        }
        if ((flags & Kind.Keyspace) != 0) sb.Append('K');
        if ((flags & Kind.Keyevent) != 0) sb.Append('E');
        if ((flags & Kind.KeyMiss) != 0) sb.Append('m');
        return sb.ToString();
    }

    public void Set(Kind flags) => _flags = (int)flags;

    public void Notify(Kind kind, string eventName, int db, ReadOnlySpan<byte> key)
    {
        int flags = _flags;
        if ((flags & (int)kind) == 0) return;
        if ((flags & (int)Kind.Keyspace) != 0)
        {
            byte[] channel = [.. Encoding.ASCII.GetBytes($"__keyspace@{db}__:"), .. key];
            pubsub.Publish(channel, Encoding.ASCII.GetBytes(eventName));
        }
        if ((flags & (int)Kind.Keyevent) != 0)
        {
            pubsub.Publish(Encoding.ASCII.GetBytes($"__keyevent@{db}__:{eventName}"), key);
        }
    }
}

using System.Buffers;
using System.Text;
using Arrakis.Protocol;
using Arrakis.Server.Sessions;
using Arrakis.Server.Text;

namespace Arrakis.Server.Commands.PubSub;

/// <summary>
/// Channel, pattern and shard-channel subscriptions of all clients. PUBLISH (any thread) encodes the
/// message once per protocol and queues it to each subscriber's own data-plane thread.
/// Channel names are kept as Latin-1 strings, which map bytes one to one.
/// </summary>
internal sealed class PubSubRegistry
{
    private readonly object _gate = new();
    private readonly Dictionary<string, HashSet<ClientSession>> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<ClientSession>> _patterns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<ClientSession>> _shardChannels = new(StringComparer.Ordinal);

    public static string Name(ReadOnlySpan<byte> bytes) => Encoding.Latin1.GetString(bytes);

    private Dictionary<string, HashSet<ClientSession>> Table(Kind kind) => kind switch
    {
        Kind.Channel => _channels,
        Kind.Pattern => _patterns,
        _ => _shardChannels,
    };

    public enum Kind
    {
        Channel,
        Pattern,
        Shard,
    }

    public bool Subscribe(ClientSession s, Kind kind, string name)
    {
        var mine = Mine(s, kind);
        if (!mine.Add(name)) return false;
        lock (_gate)
        {
            var table = Table(kind);
            if (!table.TryGetValue(name, out var set)) table[name] = set = new HashSet<ClientSession>();
            set.Add(s);
        }
        return true;
    }

    public bool Unsubscribe(ClientSession s, Kind kind, string name)
    {
        if (!Mine(s, kind).Remove(name)) return false;
        lock (_gate)
        {
            var table = Table(kind);
            if (table.TryGetValue(name, out var set) && set.Remove(s) && set.Count == 0) table.Remove(name);
        }
        return true;
    }

    /// <summary>Drops every subscription of a closing or RESET client.</summary>
    public void RemoveAll(ClientSession s)
    {
        foreach (var kind in new[] { Kind.Channel, Kind.Pattern, Kind.Shard })
        {
            foreach (var name in Mine(s, kind).ToList()) Unsubscribe(s, kind, name);
        }
    }

    public static HashSet<string> Mine(ClientSession s, Kind kind) => kind switch
    {
        Kind.Channel => s.Channels,
        Kind.Pattern => s.Patterns,
        _ => s.ShardChannels,
    };

    /// <summary>Delivers to channel subscribers and matching patterns; returns how many received it.</summary>
    public long Publish(ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message, bool shard = false)
    {
        string name = Name(channel);
        List<ClientSession> direct;
        List<(ClientSession Session, string Pattern)> byPattern = new();
        lock (_gate)
        {
            var table = shard ? _shardChannels : _channels;
            direct = table.TryGetValue(name, out var set) ? set.ToList() : [];
            if (!shard)
            {
                foreach (var (pattern, subscribers) in _patterns)
                {
                    if (Glob.Match(Encoding.Latin1.GetBytes(pattern), channel)) byPattern.AddRange(subscribers.Select(x => (x, pattern)));
                }
            }
        }
        byte[]?[] encoded = new byte[]?[4];
        foreach (var s in direct)
        {
            int slot = s.Protocol == RespVersion.Resp3 ? 1 : 0;
            encoded[slot] ??= Encode(s.Protocol, shard ? "smessage"u8 : "message"u8, null, channel, message);
            s.Owner.Deliver(s, encoded[slot]!);
        }
        foreach (var (s, pattern) in byPattern)
        {
            s.Owner.Deliver(s, Encode(s.Protocol, "pmessage"u8, Encoding.Latin1.GetBytes(pattern), channel, message));
        }
        return direct.Count + byPattern.Count;
    }

    private static byte[] Encode(RespVersion version, ReadOnlySpan<byte> kind, byte[]? pattern, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var w = new RespWriter(buffer, version);
        w.WritePushHeader(pattern is null ? 3 : 4);
        w.WriteBulk(kind);
        if (pattern is not null) w.WriteBulk(pattern);
        w.WriteBulk(channel);
        w.WriteBulk(message);
        return buffer.WrittenSpan.ToArray();
    }

    public List<string> ActiveChannels(ReadOnlySpan<byte> pattern, bool shard)
    {
        lock (_gate)
        {
            var names = (shard ? _shardChannels : _channels).Keys.ToList();
            if (pattern.IsEmpty) return names;
            var p = pattern.ToArray();
            return names.Where(n => Glob.Match(p, Encoding.Latin1.GetBytes(n))).ToList();
        }
    }

    public long Subscribers(string channel, bool shard)
    {
        lock (_gate) return (shard ? _shardChannels : _channels).TryGetValue(channel, out var set) ? set.Count : 0;
    }

    public long PatternCount
    {
        get { lock (_gate) return _patterns.Count; }
    }

    public long ChannelCount
    {
        get { lock (_gate) return _channels.Count; }
    }
}

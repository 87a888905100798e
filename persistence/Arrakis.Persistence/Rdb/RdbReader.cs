using System.Buffers.Binary;
using System.Text;
using Arrakis.Persistence.Rdb.Format;

namespace Arrakis.Persistence.Rdb;

/// <summary>
/// Reads an RDB file incrementally from a stream (only the current entry is in memory). Call
/// <see cref="ReadHeader"/> once, then <see cref="ReadNext"/> until it returns anything but Ok:
/// End means the EOF opcode was reached and the checksum verified (a stored 0 means "not
/// computed", as in Redis); any other status is final, with <see cref="Error"/> naming the
/// problem and <see cref="ErrorOffset"/> the byte offset. Never throws for bad bytes, never
/// allocates beyond what the input holds (plus a 1 MiB chunk). Single-threaded; blocks on the
/// stream; does not own it. Empty aggregates are skipped, as Redis's loader does.
/// </summary>
public sealed class RdbReader
{
    private readonly RdbInput _in;
    private readonly List<KeyValuePair<string, byte[]>> _aux = [];
    private RdbReadStatus _final = RdbReadStatus.Ok;
    private bool _headerRead;
    private int _db;

    /// <param name="stream">The file's bytes from its first byte.</param>
    /// <param name="maxStringBytes">Longest string (key, value, blob) accepted; Redis's proto-max-bulk-len is 512 MB.</param>
    public RdbReader(Stream stream, long maxStringBytes = 512L * 1024 * 1024) => _in = new RdbInput(stream, maxStringBytes);

    /// <summary>The file's RDB version (after <see cref="ReadHeader"/>).</summary>
    public int Version { get; private set; }

    /// <summary>Function libraries' code seen so far (FUNCTION2 opcodes, Redis 7.0).</summary>
    public IReadOnlyList<byte[]> Functions => _functions;

    private readonly List<byte[]> _functions = [];

    /// <summary>AUX fields seen so far (name, raw value).</summary>
    public IReadOnlyList<KeyValuePair<string, byte[]>> Aux => _aux;

    /// <summary>The last RESIZEDB hints (keys, expires) seen, or (0, 0).</summary>
    public (ulong Keys, ulong Expires) ResizeHint { get; private set; }

    /// <summary>Description of the failure with its offset, or null.</summary>
    public string? Error => _in.Message;

    /// <summary>Byte offset of the failure (meaningful when a step returned a failure status).</summary>
    public long ErrorOffset => _in.ErrorOffset;

    /// <summary>Reads "REDIS" and the four-digit version (1..11 accepted).</summary>
    public RdbReadStatus ReadHeader()
    {
        if (_headerRead) return _final == RdbReadStatus.Ok ? RdbReadStatus.Ok : _final;
        _headerRead = true;
        Span<byte> magic = stackalloc byte[9];
        if (!_in.TryReadExact(magic)) return Finish();
        if (!magic[..5].SequenceEqual("REDIS"u8))
        {
            _in.Fail(RdbReadStatus.BadMagic, "the file does not start with REDIS", 0);
            return Finish();
        }
        int version = 0;
        foreach (byte d in magic[5..])
        {
            if (d < '0' || d > '9')
            {
                _in.Fail(RdbReadStatus.BadVersion, "the version is not four digits", 5);
                return Finish();
            }
            version = version * 10 + (d - '0');
        }
        if (version < 1 || version > RdbFormat.MaxReadVersion)
        {
            _in.Fail(RdbReadStatus.BadVersion, $"unsupported RDB version {version}", 5);
            return Finish();
        }
        Version = version;
        return RdbReadStatus.Ok;
    }

    /// <summary>Reads up to the next key. Ok: <paramref name="entry"/> is set; otherwise it is null.</summary>
    public RdbReadStatus ReadNext(out RdbEntry? entry)
    {
        entry = null;
        if (!_headerRead && ReadHeader() != RdbReadStatus.Ok) return _final;
        if (_final != RdbReadStatus.Ok) return _final;
        var meta = new KeyMeta();
        while (true)
        {
            long at = _in.Position;
            if (!_in.TryReadByte(out byte op)) return Finish();
            if (op >= RdbFormat.OpFunction2)
            {
                var step = ReadOpcode(op, at, ref meta);
                if (step != RdbReadStatus.Ok) return step;
                continue;
            }
            if (!RdbValueDecoder.IsValueType(op)) return Corrupt($"unknown opcode or type {op}", at);
            if (!RdbValueDecoder.IsSupported(op)) return Unsupported($"value type {RdbFormat.TypeName(op)} ({op})", at);
            if (!_in.TryReadString(out byte[] key)) return Finish();
            if (!RdbValueDecoder.TryRead(_in, op, out RdbValue? value)) return Finish();
            if (value == null)
            {
                meta = new KeyMeta();
                continue; // an empty key: Redis skips it
            }
            entry = new RdbEntry(_db, key, meta.ExpireAt, value, meta.Idle, meta.Freq);
            return RdbReadStatus.Ok;
        }
    }

    /// <summary>One opcode (0xF5..0xFF). Ok: keep reading; End or a failure: stop.</summary>
    private RdbReadStatus ReadOpcode(byte op, long at, ref KeyMeta meta)
    {
        switch (op)
        {
            case RdbFormat.OpExpireTimeMs:
                if (!TryReadFixed(8, out ulong ms)) return Finish();
                meta.ExpireAt = ms == 0 ? 1 : (long)ms; // 0 means "none" in RdbEntry: an expiry at the epoch stays expired
                return RdbReadStatus.Ok;
            case RdbFormat.OpExpireTime:
                if (!TryReadFixed(4, out ulong sec)) return Finish();
                meta.ExpireAt = sec == 0 ? 1 : (long)sec * 1000;
                return RdbReadStatus.Ok;
            case RdbFormat.OpIdle:
                if (!_in.TryReadLength(long.MaxValue, "idle time", out ulong idle)) return Finish();
                meta.Idle = (long)idle;
                return RdbReadStatus.Ok;
            case RdbFormat.OpFreq:
                if (!_in.TryReadByte(out byte f)) return Finish();
                meta.Freq = f;
                return RdbReadStatus.Ok;
            case RdbFormat.OpAux:
                if (!_in.TryReadString(out byte[] name) || !_in.TryReadString(out byte[] val)) return Finish();
                _aux.Add(new(Encoding.UTF8.GetString(name), val));
                return RdbReadStatus.Ok;
            case RdbFormat.OpResizeDb:
                if (!_in.TryReadLength(ulong.MaxValue, "RESIZEDB keys", out ulong keys)
                    || !_in.TryReadLength(ulong.MaxValue, "RESIZEDB expires", out ulong exp)) return Finish();
                ResizeHint = (keys, exp);
                return RdbReadStatus.Ok;
            case RdbFormat.OpSelectDb:
                if (!_in.TryReadLength(int.MaxValue, "database number", out ulong db)) return Finish();
                _db = (int)db;
                return RdbReadStatus.Ok;
            case RdbFormat.OpEof:
                return ReadTrailer();
            case RdbFormat.OpFunction2:
                if (!_in.TryReadString(out byte[] code)) return Finish();
                _functions.Add(code);
                return RdbReadStatus.Ok;
            case RdbFormat.OpModuleAux:
                return Unsupported("module auxiliary data (opcode 0xF7)", at);
            default:
                return Unsupported($"functions library (opcode 0x{op:X2})", at);
        }
    }

    private RdbReadStatus ReadTrailer()
    {
        if (Version < 5)
        {
            _final = RdbReadStatus.End;
            return _final;
        }
        ulong expected = _in.ChecksumSoFar();
        long at = _in.Position;
        if (!TryReadFixed(8, out ulong stored)) return Finish();
        if (stored != 0 && stored != expected)
        {
            _in.Fail(RdbReadStatus.BadChecksum, $"checksum 0x{stored:x16} stored, 0x{expected:x16} computed", at);
            return Finish();
        }
        _final = RdbReadStatus.End;
        return _final;
    }

    private bool TryReadFixed(int size, out ulong value)
    {
        value = 0;
        Span<byte> buf = stackalloc byte[8];
        if (!_in.TryReadExact(buf[..size])) return false;
        value = size == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(buf) : BinaryPrimitives.ReadUInt32LittleEndian(buf);
        return true;
    }

    private RdbReadStatus Corrupt(string message, long at)
    {
        _in.Fail(RdbReadStatus.Corrupt, message, at);
        return Finish();
    }

    private RdbReadStatus Unsupported(string what, long at)
    {
        _in.Fail(RdbReadStatus.UnsupportedType, "unsupported " + what, at);
        return Finish();
    }

    private RdbReadStatus Finish()
    {
        _final = _in.Status == RdbReadStatus.Ok ? RdbReadStatus.Corrupt : _in.Status;
        return _final;
    }

    /// <summary>Per-key opcodes seen before the key's type byte.</summary>
    private struct KeyMeta()
    {
        public long ExpireAt = 0;
        public long Idle = -1;
        public int Freq = -1;
    }
}

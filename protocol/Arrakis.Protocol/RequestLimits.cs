namespace Arrakis.Protocol;

/// <summary>The protocol limits Redis 7 applies to requests (see redis.conf: proto-max-bulk-len).</summary>
public sealed class RequestLimits
{
    /// <summary>Largest single bulk argument (Redis: proto-max-bulk-len, 512 MB).</summary>
    public long MaxBulkLength { get; set; } = 512L * 1024 * 1024;

    /// <summary>Largest multibulk count (Redis 7: INT_MAX; we keep Redis's value).</summary>
    public long MaxMultibulkLength { get; set; } = int.MaxValue;

    /// <summary>Largest inline request and header line (Redis: PROTO_INLINE_MAX_SIZE, 64 KB).</summary>
    public int MaxInlineLength { get; set; } = 64 * 1024;

    /// <summary>Multibulk count allowed before authentication when a password is set (Redis: 10).</summary>
    public int UnauthenticatedMultibulkLength { get; set; } = 10;

    /// <summary>Bulk length allowed before authentication when a password is set (Redis: 16384).</summary>
    public int UnauthenticatedBulkLength { get; set; } = 16384;
}

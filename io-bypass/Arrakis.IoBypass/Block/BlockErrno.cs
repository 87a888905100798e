namespace Arrakis.IoBypass.Block;

/// <summary>The errno values block results use (Linux numbering).</summary>
public static class BlockErrno
{
    public const int EIO = 5;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EBADF = 9;
    public const int EINVAL = 22;
    public const int ENOSPC = 28;
    public const int ETIME = 62;
    public const int EOPNOTSUPP = 95;
    public const int ECANCELED = 125;

    /// <summary>strerror's wording for the values above.</summary>
    public static string Describe(int errno) => Math.Abs(errno) switch
    {
        EIO => "Input/output error",
        EAGAIN => "Resource temporarily unavailable",
        ENOMEM => "Cannot allocate memory",
        EBADF => "Bad file descriptor",
        EINVAL => "Invalid argument",
        ENOSPC => "No space left on device",
        ETIME => "Timer expired",
        EOPNOTSUPP => "Operation not supported",
        ECANCELED => "Operation canceled",
        1 => "Operation not permitted",
        13 => "Permission denied",
        var e => $"errno {e}",
    };
}

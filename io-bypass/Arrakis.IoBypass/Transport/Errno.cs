namespace Arrakis.IoBypass.Transport;

/// <summary>The errno values the data path distinguishes (Linux numbering).</summary>
public static class Errno
{
    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int EPIPE = 32;
    public const int ECONNRESET = 104;
}

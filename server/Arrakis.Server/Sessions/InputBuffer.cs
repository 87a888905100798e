using System.Buffers;

namespace Arrakis.Server.Sessions;

/// <summary>
/// A connection's received bytes not yet parsed. The unparsed part always starts at
/// <see cref="Start"/>; grown by doubling up to the client query buffer limit.
/// </summary>
internal sealed class InputBuffer
{
    private const int InitialSize = 16 * 1024;

    public byte[] Buffer { get; private set; } = SessionBuffers.Shared.Rent(InitialSize);
    public int Start;
    public int End;

    public int Unparsed => End - Start;

    public ReadOnlySpan<byte> UnparsedSpan => Buffer.AsSpan(Start, End - Start);

    /// <summary>Free space for the next receive, after moving unparsed bytes to the front and growing
    /// (never past <paramref name="limit"/> bytes in all). Empty when the limit is reached.</summary>
    public Span<byte> FreeSpace(long limit)
    {
        if (Start == End) Start = End = 0;
        if (End == Buffer.Length && Start > 0)
        {
            System.Buffer.BlockCopy(Buffer, Start, Buffer, 0, End - Start);
            End -= Start;
            Start = 0;
        }
        if (End == Buffer.Length)
        {
            long size = Math.Min((long)Buffer.Length * 2, Math.Min(limit, Array.MaxLength));
            if (size <= Buffer.Length) return Span<byte>.Empty;
            var bigger = SessionBuffers.Shared.Rent((int)size);
            System.Buffer.BlockCopy(Buffer, 0, bigger, 0, End);
            SessionBuffers.Shared.Return(Buffer);
            Buffer = bigger;
        }
        return Buffer.AsSpan(End);
    }

    /// <summary>Gives memory back after a big request was processed.</summary>
    public void Trim()
    {
        if (Start == End && Buffer.Length > 1024 * 1024)
        {
            SessionBuffers.Shared.Return(Buffer);
            Buffer = SessionBuffers.Shared.Rent(InitialSize);
            Start = End = 0;
        }
    }

    public void Release()
    {
        SessionBuffers.Shared.Return(Buffer);
        Buffer = Array.Empty<byte>();
        Start = End = 0;
    }
}

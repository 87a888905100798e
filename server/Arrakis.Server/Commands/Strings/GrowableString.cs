namespace Arrakis.Server.Commands.Strings;

/// <summary>
/// A string value being grown by APPEND, SETRANGE or SETBIT: a buffer with spare capacity (grown
/// geometrically, as Redis's sds does), so that appending a byte to a 100 MB string does not copy
/// 100 MB. Readers never see it: the first read turns it back into an exact-length array
/// (<see cref="StringValues.TryGet"/>), which is what every other command works on.
/// </summary>
/// <remarks>Owned by the key's slot; touched only under the key's stripe lock.</remarks>
internal sealed class GrowableString
{
    private const int MinCapacity = 64;

    public GrowableString(ReadOnlySpan<byte> initial)
    {
        Buffer = new byte[Math.Max(MinCapacity, initial.Length)];
        initial.CopyTo(Buffer);
        Length = initial.Length;
    }

    /// <summary>The bytes; only the first <see cref="Length"/> belong to the value, the rest are zero.</summary>
    public byte[] Buffer { get; private set; }

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

    /// <summary>Makes the value at least <paramref name="length"/> bytes long (new bytes are zero),
    /// doubling the capacity when it must grow (Redis's sdsMakeRoomFor: double below 1 MB, +1 MB above).</summary>
    public void EnsureLength(int length)
    {
        if (length <= Length) return;
        if (length > Buffer.Length)
        {
            long grown = length < 1024 * 1024 ? (long)length * 2 : (long)length + 1024 * 1024;
            var bigger = new byte[Math.Min(grown, Array.MaxLength)];
            Buffer.AsSpan(0, Length).CopyTo(bigger);
            Buffer = bigger;
        }
        Length = length;
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        int at = Length;
        EnsureLength(checked(Length + bytes.Length));
        bytes.CopyTo(Buffer.AsSpan(at));
    }

    /// <summary>An exact-length copy of the value.</summary>
    public byte[] ToExact() => Buffer.AsSpan(0, Length).ToArray();
}

namespace Arrakis.IoBypass.Net.Tests.Wire;

/// <summary>An obviously correct internet checksum (RFC 1071 §1, word by word, carries folded at every
/// step): the oracle the fast one is compared with.</summary>
internal static class SlowChecksum
{
    public static ushort Compute(params byte[][] pieces)
    {
        var all = pieces.SelectMany(p => p).ToList();
        if (all.Count % 2 == 1) all.Add(0);
        int sum = 0;
        for (int i = 0; i < all.Count; i += 2)
        {
            sum += (all[i] << 8) | all[i + 1];
            if (sum > 0xFFFF) sum = (sum & 0xFFFF) + 1;
        }
        return (ushort)(~sum & 0xFFFF);
    }

    /// <summary>The IPv4 pseudo-header for TCP (RFC 9293 §3.1) as bytes.</summary>
    public static byte[] PseudoHeader(byte[] source, byte[] destination, int length) =>
        [.. source, .. destination, 0, 6, (byte)(length >> 8), (byte)length];
}

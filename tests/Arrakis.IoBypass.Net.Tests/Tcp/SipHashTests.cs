using Arrakis.IoBypass.Net.Tcp;

namespace Arrakis.IoBypass.Net.Tests.Tcp;

/// <summary>SipHash-2-4 against the reference vectors (key 00..0f, messages 00..n-1) of Aumasson and Bernstein's paper and code.</summary>
public sealed class SipHashTests
{
    private static readonly byte[] Key = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData(0, 0x726fdb47dd0e0e31UL)]  // vectors_sip64[0]
    [InlineData(1, 0x74f839c593dc67fdUL)]  // vectors_sip64[1]
    [InlineData(8, 0x93f5f5799a932462UL)]  // vectors_sip64[8]: exactly one block
    [InlineData(15, 0xa129ca6149be45e5UL)] // the paper's worked example (appendix A)
    public void Matches_the_reference_vectors(int length, ulong expected)
    {
        var message = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        Assert.Equal(expected, SipHash.Hash(Key, message));
    }

    [Fact]
    public void A_short_key_is_zero_padded_and_a_long_one_folded()
    {
        Assert.Equal(SipHash.Hash([1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [7]), SipHash.Hash([1, 2, 3], [7]));
        var longKey = Key.Concat(new byte[] { 0xFF }).ToArray();
        var folded = (byte[])Key.Clone();
        folded[0] ^= 0xFF;
        Assert.Equal(SipHash.Hash(folded, [7]), SipHash.Hash(longKey, [7]));
    }
}

using Arrakis.IoBypass.Net.Tcp;

namespace Arrakis.IoBypass.Net.Tests.Tcp;

public sealed class SeqNumberTests
{
    private static SeqNumber S(uint v) => new(v);

    [Fact]
    public void Addition_wraps_modulo_two_to_the_32()
    {
        Assert.Equal(S(4), S(0xFFFF_FFFE) + 6);
        Assert.Equal(S(0xFFFF_FFFE), S(4) - 6);
    }

    [Fact]
    public void Difference_is_signed_across_the_wrap()
    {
        Assert.Equal(6, S(4) - S(0xFFFF_FFFE));
        Assert.Equal(-6, S(0xFFFF_FFFE) - S(4));
    }

    [Theory]
    [InlineData(0xFFFF_FFF0u, 0x10u)]
    [InlineData(0xFFFF_FFFFu, 0u)]
    [InlineData(0x7FFF_FFFFu, 0x8000_0000u)]
    [InlineData(1u, 2u)]
    public void Comparisons_hold_across_the_wrap(uint earlier, uint later)
    {
        Assert.True(S(earlier) < S(later));
        Assert.True(S(earlier) <= S(later));
        Assert.True(S(later) > S(earlier));
        Assert.True(S(later) >= S(earlier));
        Assert.False(S(later) < S(earlier));
        Assert.Equal(S(later), SeqNumber.Max(S(earlier), S(later)));
        Assert.Equal(S(earlier), SeqNumber.Min(S(earlier), S(later)));
        Assert.Equal(-1, S(earlier).CompareTo(S(later)));
    }

    [Fact]
    public void Equal_numbers_compare_equal()
    {
        Assert.True(S(7) <= S(7) && S(7) >= S(7) && !(S(7) < S(7)));
        Assert.Equal(0, S(7).CompareTo(S(7)));
    }

    [Fact]
    public void InWindow_spans_the_wrap()
    {
        var start = S(0xFFFF_FFF0);
        Assert.True(S(0xFFFF_FFF0).InWindow(start, 32));
        Assert.True(S(0x0F).InWindow(start, 32));
        Assert.False(S(0x10).InWindow(start, 32));
        Assert.False(S(0xFFFF_FFEF).InWindow(start, 32));
        Assert.False(start.InWindow(start, 0));
    }
}

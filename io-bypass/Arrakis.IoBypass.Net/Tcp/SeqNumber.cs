namespace Arrakis.IoBypass.Net.Tcp;

/// <summary>
/// A TCP sequence number: arithmetic modulo 2^32 (RFC 9293 §3.4 "Sequence Numbers": "all arithmetic
/// dealing with sequence numbers must be performed modulo 2**32"). Comparisons are by the signed
/// 32-bit difference, so they hold across the wrap for numbers less than 2^31 apart (the window
/// is at most 2^30, RFC 7323 §2.3). A value; no operation throws.
/// </summary>
internal readonly record struct SeqNumber(uint Value) : IComparable<SeqNumber>
{
    public static SeqNumber operator +(SeqNumber s, int n) => new(unchecked(s.Value + (uint)n));

    public static SeqNumber operator -(SeqNumber s, int n) => new(unchecked(s.Value - (uint)n));

    /// <summary>The signed distance a - b (RFC 9293 §3.4: comparisons through the difference mod 2^32).</summary>
    public static int operator -(SeqNumber a, SeqNumber b) => unchecked((int)(a.Value - b.Value));

    public static bool operator <(SeqNumber a, SeqNumber b) => a - b < 0;

    public static bool operator >(SeqNumber a, SeqNumber b) => a - b > 0;

    public static bool operator <=(SeqNumber a, SeqNumber b) => a - b <= 0;

    public static bool operator >=(SeqNumber a, SeqNumber b) => a - b >= 0;

    public int CompareTo(SeqNumber other) => Math.Sign(this - other);

    /// <summary>The later of two numbers in sequence space.</summary>
    public static SeqNumber Max(SeqNumber a, SeqNumber b) => a >= b ? a : b;

    /// <summary>The earlier of two numbers in sequence space.</summary>
    public static SeqNumber Min(SeqNumber a, SeqNumber b) => a <= b ? a : b;

    /// <summary>True when <paramref name="start"/> &lt;= this &lt; <paramref name="start"/> + <paramref name="length"/>
    /// (RFC 9293 §3.4 window tests); false for a non-positive length.</summary>
    public bool InWindow(SeqNumber start, int length) => length > 0 && this - start >= 0 && this - start < length;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

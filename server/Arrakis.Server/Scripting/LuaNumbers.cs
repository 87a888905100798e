using Arrakis.Protocol;

namespace Arrakis.Server.Scripting;

/// <summary>Lua numbers (doubles) where Redis turns them into integers or command arguments.</summary>
internal static class LuaNumbers
{
    /// <summary>C's <c>(long long)</c> cast on x86-64: truncation, and LLONG_MIN for NaN and out-of-range values
    /// (.NET saturates instead).</summary>
    public static long ToInt64(double value)
    {
        if (double.IsNaN(value) || value >= 9223372036854775808.0 || value < -9223372036854775808.0) return long.MinValue;
        return (long)value;
    }

    /// <summary>A number passed to redis.call as an argument, printed with "%.17g" as Redis does.</summary>
    public static byte[] Format(double value)
    {
        if (double.IsNaN(value)) return double.IsNegative(value) ? "-nan"u8.ToArray() : "nan"u8.ToArray();
        Span<byte> tmp = stackalloc byte[40];
        int n = RespNumber.FormatDouble(value, tmp);
        return tmp[..n].ToArray();
    }
}

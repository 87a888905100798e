namespace Arrakis.Server.Commands.Strings;

/// <summary>The options of SET (NX XX GET EX PX EXAT PXAT KEEPTTL) and GETEX (EX PX EXAT PXAT PERSIST),
/// parsed with Redis's rules: conflicting options are a syntax error, then the expire value is checked.</summary>
internal readonly record struct SetOptions(bool Nx, bool Xx, bool Get, bool KeepTtl, bool Persist, long ExpireAt)
{
    /// <summary>Parses the options; <paramref name="beforeValue"/> runs between the syntax check and the
    /// expire value's check (GETEX looks its key up there, as Redis does) and stops parsing when false.</summary>
    public static SetOptions? Parse(CommandContext c, int first, bool forSet, Func<bool>? beforeValue = null)
    {
        bool nx = false, xx = false, get = false, keepTtl = false, persist = false;
        int unitArg = -1;
        char kind = '\0'; // 'e' EX, 'p' PX, 'E' EXAT, 'P' PXAT
        for (int j = first; j < c.ArgCount; j++)
        {
            bool hasNext = j + 1 < c.ArgCount;
            bool anyExpire = kind != '\0';
            if (forSet && c.ArgIs(j, "NX") && !xx) nx = true;
            else if (forSet && c.ArgIs(j, "XX") && !nx) xx = true;
            else if (forSet && c.ArgIs(j, "GET")) get = true;
            else if (forSet && c.ArgIs(j, "KEEPTTL") && !persist && !anyExpire) keepTtl = true;
            else if (!forSet && c.ArgIs(j, "PERSIST") && !anyExpire && !keepTtl) persist = true;
            else if (hasNext && !keepTtl && !persist && TryKind(c, j, kind, out char k))
            {
                kind = k;
                unitArg = ++j;
            }
            else
            {
                c.SyntaxError();
                return null;
            }
        }
        if (beforeValue is not null && !beforeValue()) return null;
        long expireAt = 0;
        if (kind != '\0')
        {
            if (!c.TryArgLong(unitArg, out long when)) return null;
            bool seconds = kind is 'e' or 'E';
            if (when <= 0 || (seconds && when > long.MaxValue / 1000))
            {
                c.Error(Errors.InvalidExpire(c.Command.FullName));
                return null;
            }
            if (seconds) when *= 1000;
            if (kind is 'e' or 'p')
            {
                if (when > long.MaxValue - c.NowMs)
                {
                    c.Error(Errors.InvalidExpire(c.Command.FullName));
                    return null;
                }
                when += c.NowMs;
            }
            expireAt = when;
        }
        return new SetOptions(nx, xx, get, keepTtl, persist, expireAt);
    }

    /// <summary>EX/PX/EXAT/PXAT, allowed again only as the same option (Redis lets a repeated option override).</summary>
    private static bool TryKind(CommandContext c, int j, char current, out char kind)
    {
        kind = c.ArgIs(j, "EX") ? 'e' : c.ArgIs(j, "PX") ? 'p' : c.ArgIs(j, "EXAT") ? 'E' : c.ArgIs(j, "PXAT") ? 'P' : '\0';
        return kind != '\0' && (current == '\0' || current == kind);
    }
}

namespace Arrakis.Server.Commands.Lists;

/// <summary>The shared tail of LMPOP/ZMPOP/BLMPOP/BZMPOP: numkeys key... WHERE [COUNT n], parsed with Redis's errors.</summary>
internal readonly record struct MPopArgs(long NumKeys, bool Left, long Count, int WhereIndex)
{
    /// <param name="zset">ZMPOP's MIN|MAX instead of LEFT|RIGHT (Left means MIN).</param>
    public static bool TryParse(CommandContext c, int numkeysIndex, out MPopArgs args, bool zset = false)
    {
        args = default;
        if (!Protocol.RespNumber.TryParseInt64(c.Arg(numkeysIndex), out long numKeys) || numKeys < 1)
        {
            c.Error("ERR numkeys should be greater than 0");
            return false;
        }
        long whereIndex = numkeysIndex + numKeys + 1;
        if (whereIndex >= c.ArgCount)
        {
            c.SyntaxError();
            return false;
        }
        bool left;
        if (zset)
        {
            left = c.ArgIs((int)whereIndex, "MIN");
            if (!left && !c.ArgIs((int)whereIndex, "MAX"))
            {
                c.SyntaxError();
                return false;
            }
        }
        else if (!ListCommands.TryWhere(c, (int)whereIndex, out left))
        {
            return false;
        }
        long count = -1;
        for (int j = (int)whereIndex + 1; j < c.ArgCount; j++)
        {
            if (count == -1 && c.ArgIs(j, "COUNT") && j + 1 < c.ArgCount)
            {
                j++;
                if (!Protocol.RespNumber.TryParseInt64(c.Arg(j), out count) || count < 1)
                {
                    c.Error("ERR count should be greater than 0");
                    return false;
                }
            }
            else
            {
                c.SyntaxError();
                return false;
            }
        }
        args = new MPopArgs(numKeys, left, count == -1 ? 1 : count, (int)whereIndex);
        return true;
    }
}

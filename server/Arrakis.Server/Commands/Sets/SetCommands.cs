using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;
using Arrakis.Protocol;

namespace Arrakis.Server.Commands.Sets;

/// <summary>SADD, SREM, SCARD, SISMEMBER, SMISMEMBER, SMEMBERS, SPOP, SRANDMEMBER, SMOVE, SSCAN and the algebra (SetAlgebra).</summary>
internal static class SetCommands
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["sadd"] = SAdd;
        h["srem"] = c => CollectionValues.RemoveMembers<SetValue>(c, K.Set, "srem");
        h["scard"] = c =>
        {
            if (CollectionValues.TryGet<SetValue>(c, c.Db, c.Arg(1), out var s)) c.Reply.WriteInteger(s?.Count ?? 0);
        };
        h["sismember"] = c =>
        {
            if (CollectionValues.TryGet<SetValue>(c, c.Db, c.Arg(1), out var s)) c.Reply.WriteInteger(s is not null && s.Contains(c.Arg(2)) ? 1 : 0);
        };
        h["smismember"] = c =>
        {
            if (!CollectionValues.TryGet<SetValue>(c, c.Db, c.Arg(1), out var s)) return;
            c.Reply.WriteArrayHeader(c.ArgCount - 2);
            for (int i = 2; i < c.ArgCount; i++) c.Reply.WriteInteger(s is not null && s.Contains(c.Arg(i)) ? 1 : 0);
        };
        h["smembers"] = c =>
        {
            if (!CollectionValues.TryGet<SetValue>(c, c.Db, c.Arg(1), out var s)) return;
            WriteSet(c, s?.Members.ToList() ?? []);
        };
        h["spop"] = SPop;
        h["srandmember"] = SRandMember;
        h["smove"] = SMove;
        h["sscan"] = c => CollectionScan.Execute(c, CollectionScan.Kind.Set);
        SetAlgebra.Register(h);
    }

    public static void WriteSet(CommandContext c, IReadOnlyCollection<byte[]> members)
    {
        c.Reply.WriteSetHeader(members.Count);
        foreach (var m in members) c.Reply.WriteBulk(m);
    }

    private static void SAdd(CommandContext c)
    {
        var db = c.Db;
        var set = CollectionValues.GetOrCreate<SetValue>(c, db, c.Arg(1));
        if (set is null) return;
        long added = 0;
        for (int i = 2; i < c.ArgCount; i++)
        {
            if (set.Add(c.Arg(i))) added++;
        }
        if (added > 0) db.Modified(c.Arg(1), K.Set, "sadd");
        c.Reply.WriteInteger(added);
    }

    private static void SPop(CommandContext c)
    {
        if (c.ArgCount > 3)
        {
            c.SyntaxError();
            return;
        }
        long count = 1;
        bool hasCount = c.ArgCount == 3;
        if (hasCount && !CollectionValues.TryCount(c, 2, out count)) return;
        var db = c.Db;
        var key = c.Arg(1);
        if (!CollectionValues.TryGet<SetValue>(c, db, key, out var set, countHits: false)) return;
        if (set is null)
        {
            if (hasCount) c.Reply.WriteSetHeader(0);
            else c.Reply.WriteNull();
            return;
        }
        if (hasCount && count == 0)
        {
            c.Reply.WriteSetHeader(0);
            return;
        }
        var picks = RandomPicks.Choose(set.Count, Math.Min(count, set.Count)).Select(set.MemberAt).ToList();
        foreach (var m in picks) set.Remove(m);
        Durability.EffectRecorder.Replace(c, ["SREM"u8.ToArray(), key.ToArray(), .. picks]);
        db.Modified(key, K.Set, "spop");
        CollectionValues.DeleteIfEmpty(db, key, set.Count);
        if (hasCount) WriteSet(c, picks);
        else c.Reply.WriteBulk(picks[0]);
    }

    private static void SRandMember(CommandContext c)
    {
        if (c.ArgCount > 3)
        {
            c.SyntaxError();
            return;
        }
        long count = 0;
        bool hasCount = c.ArgCount == 3;
        if (hasCount && !RandomPicks.TryParseCount(c, 2, out count)) return;
        if (!CollectionValues.TryGet<SetValue>(c, c.Db, c.Arg(1), out var set)) return;
        if (!hasCount)
        {
            if (set is null) c.Reply.WriteNull();
            else c.Reply.WriteBulk(set.MemberAt(Random.Shared.Next(set.Count)));
            return;
        }
        if (set is null || count == 0)
        {
            c.Reply.WriteArrayHeader(0);
            return;
        }
        if (!RandomPicks.CheckRepeatReply(c, count, set.Count, i => set.MemberAt(i).Length)) return;
        var picks = RandomPicks.Choose(set.Count, count);
        c.Reply.WriteArrayHeader(picks.Count);
        foreach (int i in picks) c.Reply.WriteBulk(set.MemberAt(i));
    }

    private static void SMove(CommandContext c)
    {
        var db = c.Db;
        var src = c.Arg(1);
        var dst = c.Arg(2);
        // Redis: a missing source answers 0 before the destination's type is looked at.
        if (!CollectionValues.TryGet<SetValue>(c, db, src, out var source, countHits: false)) return;
        if (source is null)
        {
            c.Reply.WriteInteger(0);
            return;
        }
        if (!CollectionValues.TryGet<SetValue>(c, db, dst, out var target, countHits: false)) return;
        var member = c.Arg(3);
        if (!source.Contains(member))
        {
            c.Reply.WriteInteger(0);
            return;
        }
        if (src.SequenceEqual(dst))
        {
            c.Reply.WriteInteger(1);
            return;
        }
        source.Remove(member);
        db.Modified(src, K.Set, "srem");
        CollectionValues.DeleteIfEmpty(db, src, source.Count);
        if (target is null)
        {
            target = new SetValue();
            db.Set(dst, target);
        }
        target.Add(member);
        db.Modified(dst, K.Set, "sadd");
        c.Reply.WriteInteger(1);
    }
}

using Arrakis.Server.Runtime;

namespace Arrakis.Server.DataPlane;

/// <summary>
/// The active expiry cycle of one data-plane thread over the stripes it owns (stripe i belongs to
/// thread i mod threads): visits keys with a TTL from a rolling cursor, removes expired ones, and
/// stops when its time budget is spent (Redis: ACTIVE_EXPIRE_CYCLE_SLOW, 25% of a cron tick); stripes
/// without such keys are not taken. Beside it, 16 stripes a cycle in turn may give memory back
/// (<see cref="Keyspace.KeyTable.GiveBack"/>), as Redis's databasesCron resizes 16 dicts a call.
/// </summary>
internal sealed class ActiveExpiry(Keyspace.Keyspace keyspace, int index, int threads, ThreadStats stats)
{
    private const int SlotsPerVisit = 64;
    private int _nextStripe = -1;

    /// <summary>Redis's running estimate: the first sample, then 2% of each new sample mean.</summary>
    private void UpdateAverageTtl(int db, long sampleMean)
    {
        long avg = keyspace.AverageTtl[db];
        keyspace.AverageTtl[db] = avg == 0 ? sampleMean : avg / 50 * 49 + sampleMean / 50;
    }

    /// <summary>Stripes whose tables may give memory back, per cycle (Redis's databasesCron resizes 16 databases a call).</summary>
    private const int GiveBackPerCycle = 16;
    private int _nextGiveBack = -1;

    public void RunCycle(long nowUnixMs, int budgetMs)
    {
        if (_nextStripe < 0) _nextStripe = _nextGiveBack = index;
        long deadline = ServerClock.MonotonicMs + budgetMs;
        stats.ActiveExpiryCycles++;
        int owned = (Keyspace.Keyspace.StripeCount - index + threads - 1) / threads;
        for (int n = 0; n < Math.Min(GiveBackPerCycle, owned); n++)
        {
            var stripe = keyspace[_nextGiveBack];
            _nextGiveBack = NextOwned(_nextGiveBack);
            using (keyspace.Hold(stripe))
            {
                foreach (var table in stripe.Tables) table?.GiveBack();
            }
        }
        for (int visited = 0; visited < owned; visited++)
        {
            var stripe = keyspace[_nextStripe];
            _nextStripe = NextOwned(_nextStripe);
            // Read without the lock (a count of the moment decides; a key given a TTL meanwhile waits a cycle): a
            // stripe without keys that expire is not taken, as Redis skips databases whose expires dict is empty.
            if (!HasVolatileKeys(stripe)) continue;
            using (keyspace.Hold(stripe))
            {
                for (int db = 0; db < stripe.Tables.Length; db++)
                {
                    var table = stripe.Tables[db];
                    if (table is null || table.VolatileCount == 0) continue;
                    int cursor = stripe.ExpiryCursor[db];
                    int slots = table.SlotCount;
                    long ttlSum = 0, ttlSamples = 0;
                    for (int k = 0; k < SlotsPerVisit && slots > 0; k++)
                    {
                        if (cursor >= slots) cursor = 0;
                        ref var e = ref table.Slot(cursor);
                        if (e.Record != 0 && e.ExpireAt != 0 && e.ExpireAt <= nowUnixMs)
                        {
                            var expiredKey = table.KeyArray(cursor);
                            keyspace.Watches.Touch(db, expiredKey);
                            if (table.ObjectAt(cursor) is Commands.Streams.StreamValue) keyspace.Blocking?.SignalReady(db, expiredKey);
                            table.RemoveAt(cursor);
                            Durability.EffectRecorder.Expired(db, expiredKey);
                            keyspace.Events.Notify(Commands.PubSub.KeyspaceEvents.Kind.Expired, "expired", db, expiredKey);
                            stats.ExpiredKeys++;
                        }
                        else if (e.Record != 0 && e.ExpireAt != 0)
                        {
                            ttlSum += e.ExpireAt - nowUnixMs;
                            ttlSamples++;
                        }
                        cursor++;
                    }
                    stripe.ExpiryCursor[db] = cursor;
                    if (ttlSamples > 0) UpdateAverageTtl(db, ttlSum / ttlSamples);
                }
            }
            if ((visited & 15) == 15 && ServerClock.MonotonicMs >= deadline) break;
        }
    }

    private int NextOwned(int stripe) => stripe + threads < Keyspace.Keyspace.StripeCount ? stripe + threads : index;

    private static bool HasVolatileKeys(Keyspace.Stripe stripe)
    {
        foreach (var table in stripe.Tables)
        {
            if (table is { VolatileCount: > 0 }) return true;
        }
        return false;
    }
}

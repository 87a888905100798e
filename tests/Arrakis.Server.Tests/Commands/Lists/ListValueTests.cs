using Arrakis.Server.Commands.Lists;

namespace Arrakis.Server.Tests.Commands.Lists;

public sealed class ListValueTests
{
    private static byte[] Element(Random rng)
    {
        int length = rng.Next(20) switch
        {
            0 => rng.Next(9000, 20000), // bigger than a node
            1 or 2 => rng.Next(120, 400), // two-byte lengths
            _ => rng.Next(0, 40),
        };
        var e = new byte[length];
        rng.NextBytes(e);
        return e;
    }

    private static void AssertSame(List<byte[]> model, ListValue list)
    {
        Assert.Equal(model.Count, list.Count);
        for (int i = 0; i < model.Count; i++) Assert.True(list[i].SequenceEqual(model[i]), $"element {i}");
        for (int i = model.Count - 1; i >= 0; i--) Assert.True(list[i].SequenceEqual(model[i]), $"element {i} backwards");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Matches_a_model_through_random_changes(int seed)
    {
        var rng = new Random(seed);
        var model = new List<byte[]>();
        var list = new ListValue();
        for (int step = 0; step < 6000; step++)
        {
            int op = rng.Next(12);
            if (op < 3)
            {
                var e = Element(rng);
                list.PushRight(e);
                model.Add(e);
            }
            else if (op < 6)
            {
                var e = Element(rng);
                list.PushLeft(e);
                model.Insert(0, e);
            }
            else if (op == 6 && model.Count > 0)
            {
                Assert.Equal(model[0], list.PopLeft());
                model.RemoveAt(0);
            }
            else if (op == 7 && model.Count > 0)
            {
                Assert.Equal(model[^1], list.PopRight());
                model.RemoveAt(model.Count - 1);
            }
            else if (op == 8)
            {
                int at = rng.Next(model.Count + 1);
                var e = Element(rng);
                list.Insert(at, e);
                model.Insert(at, e);
            }
            else if (op == 9 && model.Count > 0)
            {
                // LREM's pattern: remove while walking forward, the cursor staying in place.
                int at = rng.Next(model.Count);
                int n = rng.Next(1, 5);
                for (int k = 0; k < n && at < model.Count; k++)
                {
                    Assert.True(list[at].SequenceEqual(model[at]));
                    list.RemoveAt(at);
                    model.RemoveAt(at);
                }
            }
            else if (op == 10 && model.Count > 0)
            {
                int at = rng.Next(model.Count);
                var e = Element(rng);
                list.Set(at, e);
                model[at] = e;
            }
            else if (op == 11 && model.Count > 0 && rng.Next(20) == 0)
            {
                int start = rng.Next(model.Count), end = rng.Next(start, model.Count);
                list.Trim(start, end);
                model = model.GetRange(start, end - start + 1);
            }
            if (step % 500 == 0)
            {
                AssertSame(model, list);
                var clone = list.Clone();
                AssertSame(model, clone);
            }
        }
        AssertSame(model, list);
    }

    [Fact]
    public void Short_elements_cost_their_bytes_plus_one_and_nodes_stay_near_8_KiB()
    {
        // Redis's listpack takes 18 bytes for a 16-byte element (length before, back-length after).
        var list = new ListValue();
        var element = new byte[16];
        for (int i = 0; i < 100_000; i++) list.PushRight(element);
        Assert.InRange(list.AllocatedBytes / 100_000.0, 17.0, 17.5);
        var left = new ListValue();
        for (int i = 0; i < 100_000; i++) left.PushLeft(element);
        Assert.InRange(left.AllocatedBytes / 100_000.0, 17.0, 17.5);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Walks_and_removals_from_the_tail_match_a_model(int seed)
    {
        // The tail's offsets come from a cache (entries have no back-length): pops and pushes at the tail keep it,
        // changes at the head or in the middle move entries; check every backward path against a model.
        var rng = new Random(seed);
        var model = new List<byte[]>();
        var list = new ListValue();
        for (int step = 0; step < 20000; step++)
        {
            int op = rng.Next(10);
            if (op < 4 || model.Count < 5)
            {
                var e = Element(rng);
                list.PushRight(e);
                model.Add(e);
            }
            else if (op < 6) Assert.Equal(model[^1], Pop(model, list));
            else if (op == 6)
            {
                var e = Element(rng);
                list.PushLeft(e);
                model.Insert(0, e);
            }
            else if (op == 7)
            {
                // LREM with a negative count: walk from the tail, removing some as it goes.
                for (int i = model.Count - 1, seen = 0; i >= 0 && seen < 40; i--, seen++)
                {
                    Assert.True(list[i].SequenceEqual(model[i]), $"element {i} walking back");
                    if (rng.Next(4) == 0)
                    {
                        list.RemoveAt(i);
                        model.RemoveAt(i);
                    }
                }
            }
            else if (op == 8)
            {
                int at = rng.Next(model.Count);
                Assert.True(list[at].SequenceEqual(model[at]));
                if (at > 0) Assert.True(list[at - 1].SequenceEqual(model[at - 1]));
            }
            else
            {
                int at = rng.Next(model.Count);
                var e = Element(rng);
                list.Set(at, e);
                model[at] = e;
            }
        }
        AssertSame(model, list);

        static byte[] Pop(List<byte[]> model, ListValue list)
        {
            model.RemoveAt(model.Count - 1);
            return list.PopRight();
        }
    }
}

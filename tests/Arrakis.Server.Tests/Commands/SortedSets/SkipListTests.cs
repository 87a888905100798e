using System.Text;
using Arrakis.Server.Commands.SortedSets;

namespace Arrakis.Server.Tests.Commands.SortedSets;

/// <summary>The object-free skip list against a sorted model: inserts, score moves, removals (down to empty, so
/// the member index shrinks), every rank both ways, and reuse of freed nodes.</summary>
public sealed class SkipListTests
{
    private static string Text(ReadOnlySpan<byte> b) => Encoding.Latin1.GetString(b);

    private static void AssertSame(SkipList list, SortedDictionary<(double, string), bool> model, Dictionary<string, double> scores)
    {
        Assert.Equal(model.Count, list.Count);
        var expected = model.Keys.ToList();
        int rank = 0;
        for (int n = list.First; n != SkipList.None; n = list.Next(n), rank++)
        {
            Assert.Equal(expected[rank], (list.Score(n), Text(list.Member(n))));
            Assert.Equal(rank, list.RankOf(n));
            Assert.Equal(n, list.AtRank(rank));
        }
        Assert.Equal(expected.Count, rank);
        for (int n = list.Tail; n != SkipList.None; n = list.Previous(n)) rank--;
        Assert.Equal(0, rank);
        Assert.Equal(SkipList.None, list.AtRank(expected.Count));
        foreach (var (member, score) in scores)
        {
            int n = list.Find(Encoding.Latin1.GetBytes(member));
            Assert.NotEqual(SkipList.None, n);
            Assert.Equal(score, list.Score(n));
        }
    }

    private sealed class Ordinal : IComparer<(double Score, string Member)>
    {
        public int Compare((double Score, string Member) a, (double Score, string Member) b)
        {
            int c = a.Score.CompareTo(b.Score);
            return c != 0 ? c : string.CompareOrdinal(a.Member, b.Member);
        }
    }

    [Theory]
    [InlineData(1, 50)]
    [InlineData(2, 3000)]
    public void Agrees_with_a_sorted_model(int seed, int members)
    {
        var rng = new Random(seed);
        var list = new SkipList();
        var model = new SortedDictionary<(double, string), bool>(new Ordinal());
        var scores = new Dictionary<string, double>();
        for (int step = 0; step < 40_000; step++)
        {
            int id = rng.Next(members);
            string member = id % 5 == 0 ? "m" + id + new string((char)('a' + id % 26), id % 80) : "m" + id;
            var bytes = Encoding.Latin1.GetBytes(member);
            int op = rng.Next(10);
            if (op < 3)
            {
                bool had = scores.Remove(member, out double old);
                if (had) model.Remove((old, member));
                Assert.Equal(had, list.Remove(bytes));
            }
            else
            {
                double score = rng.Next(-20, 20) * (op == 9 ? 0.25 : 1);
                int node = list.Find(bytes);
                Assert.Equal(scores.ContainsKey(member), node != SkipList.None);
                if (node == SkipList.None) list.Insert(bytes, score);
                else
                {
                    model.Remove((scores[member], member));
                    list.UpdateScore(node, score);
                }
                scores[member] = score;
                model[(score, member)] = true;
            }
            if (step % 4000 == 0) AssertSame(list, model, scores);
        }
        AssertSame(list, model, scores);
        foreach (var member in scores.Keys.ToList())
        {
            Assert.True(list.Remove(Encoding.Latin1.GetBytes(member)));
            model.Remove((scores[member], member));
            scores.Remove(member);
            if (scores.Count % 97 == 0) AssertSame(list, model, scores);
        }
        Assert.Equal(0, list.Count);
        Assert.Equal(SkipList.None, list.First);
        Assert.Equal(SkipList.None, list.Tail);
    }

    [Fact]
    public void LastWhere_is_the_descent_to_the_last_member_before_a_bound()
    {
        var list = new SkipList();
        for (int i = 0; i < 1000; i++) list.Insert(Encoding.ASCII.GetBytes($"m{i:D4}"), i / 10);
        int last = list.LastWhere((score, _) => score < 50);
        Assert.Equal("m0499", Text(list.Member(last)));
        Assert.Equal(499, list.RankOf(last));
        int first = list.FirstWhereNot((score, _) => score < 50);
        Assert.Equal("m0500", Text(list.Member(first)));
        Assert.Equal(SkipList.None, list.LastWhere((score, _) => score < 0));
        Assert.Equal(list.First, list.FirstWhereNot((score, _) => score < 0));
        Assert.Equal(SkipList.None, list.FirstWhereNot((_, _) => true));
    }

    [Fact]
    public void Freed_nodes_and_member_records_are_reused()
    {
        var list = new SkipList();
        for (int i = 0; i < 20_000; i++) list.Insert(Encoding.ASCII.GetBytes($"member{i:D6}"), i);
        long full = list.AllocatedBytes;
        for (int round = 0; round < 5; round++)
        {
            for (int i = 0; i < 20_000; i += 2) Assert.True(list.Remove(Encoding.ASCII.GetBytes($"member{i:D6}")));
            for (int i = 0; i < 20_000; i += 2) list.Insert(Encoding.ASCII.GetBytes($"member{i:D6}"), -i);
        }
        Assert.Equal(20_000, list.Count);
        Assert.True(list.AllocatedBytes <= full + 64 * 1024, $"{list.AllocatedBytes} after churn against {full} when first filled");
        Assert.True(full / 20_000 < 90, $"{full / 20_000} bytes per member");
    }
}

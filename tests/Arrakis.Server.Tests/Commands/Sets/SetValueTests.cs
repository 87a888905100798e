using System.Text;
using Arrakis.Server.Commands.Sets;

namespace Arrakis.Server.Tests.Commands.Sets;

public sealed class SetValueTests
{
    [Fact]
    public void Random_adds_and_removes_agree_with_a_hash_set_across_the_intset_to_table_switch()
    {
        var set = new SetValue();
        var model = new HashSet<string>();
        var rng = new Random(9);
        for (int i = 0; i < 20_000; i++)
        {
            string m = rng.Next(3) == 0 ? "x" + rng.Next(700) : rng.Next(-700, 700).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var bytes = Encoding.ASCII.GetBytes(m);
            if (rng.Next(3) == 0) Assert.Equal(model.Remove(m), set.Remove(bytes));
            else Assert.Equal(model.Add(m), set.Add(bytes));
            if (i % 1000 == 0)
            {
                Assert.Equal(model.Count, set.Count);
                Assert.True(model.SetEquals(set.Members.Select(b => Encoding.ASCII.GetString(b))));
                for (int k = 0; k < set.Count; k++) Assert.Contains(Encoding.ASCII.GetString(set.MemberAt(k)), model);
            }
        }
        Assert.False(set.IsIntset);
    }

    [Fact]
    public void Intsets_stay_sorted_until_a_non_integer_arrives()
    {
        var set = new SetValue();
        foreach (var v in new[] { "5", "-3", "12", "0" }) set.Add(Encoding.ASCII.GetBytes(v));
        Assert.True(set.IsIntset);
        Assert.Equal(["-3", "0", "5", "12"], set.Members.Select(b => Encoding.ASCII.GetString(b)));
        set.Add("a"u8);
        Assert.False(set.IsIntset);
        Assert.True(set.Contains("12"u8));
    }
}

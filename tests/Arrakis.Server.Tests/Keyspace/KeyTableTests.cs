using System.Text;
using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Tests.Keyspace;

public sealed class KeyTableTests
{
    [Fact]
    public void Slots_stay_put_while_the_table_grows_and_keys_come_and_go()
    {
        var t = new KeyTable();
        var slots = new Dictionary<string, int>();
        for (int i = 0; i < 1000; i++)
        {
            var k = Encoding.ASCII.GetBytes("k" + i);
            slots["k" + i] = t.Add(k, KeyTable.Hash(k), i);
        }
        for (int i = 0; i < 1000; i += 2)
        {
            var k = Encoding.ASCII.GetBytes("k" + i);
            t.RemoveAt(t.Find(k, KeyTable.Hash(k)));
        }
        for (int i = 1000; i < 3000; i++)
        {
            var k = Encoding.ASCII.GetBytes("k" + i);
            t.Add(k, KeyTable.Hash(k), i);
        }
        for (int i = 1; i < 1000; i += 2)
        {
            var k = Encoding.ASCII.GetBytes("k" + i);
            Assert.Equal(slots["k" + i], t.Find(k, KeyTable.Hash(k)));
        }
        Assert.Equal(2500, t.Count);
    }

    [Fact]
    public void Volatile_count_follows_expiry_changes()
    {
        var t = new KeyTable();
        var k = "a"u8.ToArray();
        int slot = t.Add(k, KeyTable.Hash(k), "v");
        t.SetExpire(slot, 123);
        Assert.Equal(1, t.VolatileCount);
        t.RemoveAt(slot);
        Assert.Equal(0, t.VolatileCount);
        Assert.Equal(-1, t.Find(k, KeyTable.Hash(k)));
    }
}


namespace Arrakis.Server.Keyspace;

/// <summary>Equality of (database, key bytes) pairs, for the WATCH and blocking registries.</summary>
internal sealed class DbKeyComparer : IEqualityComparer<(int Db, byte[] Key)>
{
    public static readonly DbKeyComparer Instance = new();

    public bool Equals((int Db, byte[] Key) x, (int Db, byte[] Key) y) => x.Db == y.Db && x.Key.AsSpan().SequenceEqual(y.Key);

    public int GetHashCode((int Db, byte[] Key) obj) => HashCode.Combine(obj.Db, ByteArrayComparer.Instance.GetHashCode(obj.Key));
}

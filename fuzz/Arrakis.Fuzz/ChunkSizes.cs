namespace Arrakis.Fuzz;

/// <summary>Deterministic chunk sizes (1..32, mostly small) from a seed: how a socket splits a stream.</summary>
internal struct ChunkSizes(int seed)
{
    private uint _state = (uint)seed * 2654435761u | 1;

    public int Next()
    {
        _state ^= _state << 13;
        _state ^= _state >> 17;
        _state ^= _state << 5;
        return (int)(_state % 7 == 0 ? _state % 32 + 1 : _state % 4 + 1);
    }
}

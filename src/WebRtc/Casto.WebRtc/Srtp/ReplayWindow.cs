namespace Casto.WebRtc.Srtp;

/// <summary>
/// Sliding replay window over packet indices (RFC 3711 §3.3.2): accepts an index newer than the highest seen,
/// or up to <c>size − 1</c> older and not yet seen. A ring of bits indexed by <c>index mod ring</c>, so moving
/// forward only clears the bits skipped over.
/// </summary>
/// <remarks>Check with <see cref="IsFresh"/> before authenticating; call <see cref="Accept"/> only after.</remarks>
internal sealed class ReplayWindow
{
    private readonly ulong[] _bits;
    private readonly ulong _size;
    private readonly ulong _ringBits;
    private ulong _highest;
    private bool _any;

    public ReplayWindow(int size)
    {
        _size = (ulong)size;
        _bits = new ulong[(size + 63) / 64];
        _ringBits = (ulong)_bits.Length * 64;
    }

    /// <summary>The highest accepted index, if any packet was accepted.</summary>
    public ulong Highest => _highest;

    /// <summary>Whether <paramref name="index"/> is neither a duplicate nor too old.</summary>
    public bool IsFresh(ulong index)
    {
        if (!_any || index > _highest)
        {
            return true;
        }

        return _highest - index < _size && !IsSet(index);
    }

    /// <summary>Records an authenticated packet.</summary>
    public void Accept(ulong index)
    {
        if (!_any)
        {
            _any = true;
            _highest = index;
        }
        else if (index > _highest)
        {
            if (index - _highest >= _ringBits)
            {
                Array.Clear(_bits);
            }
            else
            {
                for (ulong i = _highest + 1; i < index; i++)
                {
                    Clear(i);
                }
            }

            _highest = index;
        }

        Set(index);
    }

    private bool IsSet(ulong index)
    {
        ulong bit = index % _ringBits;
        return (_bits[bit >> 6] & (1UL << (int)(bit & 63))) != 0;
    }

    private void Set(ulong index)
    {
        ulong bit = index % _ringBits;
        _bits[bit >> 6] |= 1UL << (int)(bit & 63);
    }

    private void Clear(ulong index)
    {
        ulong bit = index % _ringBits;
        _bits[bit >> 6] &= ~(1UL << (int)(bit & 63));
    }
}

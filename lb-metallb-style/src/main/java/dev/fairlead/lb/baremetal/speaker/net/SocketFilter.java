package dev.fairlead.lb.baremetal.speaker.net;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A classic BPF program ({@code SO_ATTACH_FILTER}) so the kernel hands the speaker only the frames
 * it looks at, not every IPv6 packet on the interface.
 *
 * @param instructions {@code struct sock_filter} entries as {code, jt, jf, k}
 */
public record SocketFilter(int[][] instructions) {
  private static final int LD_H_ABS = 0x28;
  private static final int LD_B_ABS = 0x30;
  private static final int JEQ_K = 0x15;
  private static final int RET_K = 0x06;

  /**
   * Accepts IPv6 frames carrying ICMPv6 (next header 58, no extension headers) of type 135
   * (neighbor solicitation) or 136 (neighbor advertisement); drops everything else.
   *
   * @return the filter
   */
  public static SocketFilter neighborDiscovery() {
    return new SocketFilter(new int[][] {
      {LD_H_ABS, 0, 0, 12}, // EtherType
      {JEQ_K, 0, 6, 0x86DD},
      {LD_B_ABS, 0, 0, 20}, // IPv6 next header
      {JEQ_K, 0, 4, 58},
      {LD_B_ABS, 0, 0, 54}, // ICMPv6 type
      {JEQ_K, 1, 0, 135},
      {JEQ_K, 0, 1, 136},
      {RET_K, 0, 0, 0x40000}, // accept (whole frame)
      {RET_K, 0, 0, 0}, // drop
    });
  }

  /** {@code struct sock_fprog}: {@code unsigned short len; struct sock_filter *filter;}. */
  MemorySegment toNative(Arena arena) {
    MemorySegment program = arena.allocate(8L * instructions.length, 8);
    for (int i = 0; i < instructions.length; i++) {
      int[] insn = instructions[i];
      program.set(ValueLayout.JAVA_SHORT, i * 8L, (short) insn[0]);
      program.set(ValueLayout.JAVA_BYTE, i * 8L + 2, (byte) insn[1]);
      program.set(ValueLayout.JAVA_BYTE, i * 8L + 3, (byte) insn[2]);
      program.set(ValueLayout.JAVA_INT, i * 8L + 4, insn[3]);
    }
    MemorySegment fprog = arena.allocate(16, 8);
    fprog.set(ValueLayout.JAVA_SHORT, 0, (short) instructions.length);
    fprog.set(ValueLayout.ADDRESS, 8, program);
    return fprog;
  }
}

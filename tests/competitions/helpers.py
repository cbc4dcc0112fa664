"""The hand-worked score sheets of the competition tests (rubric in conftest: 5a + 3b + 2c)."""

from __future__ import annotations

# Five judges. 选手A's sheets:
#   J1 (9, 8, 7)  → 45 + 24 + 14 = 83.00
#   J2 (8, 8, 8)  → 40 + 24 + 16 = 80.00
#   J3 (10, 9, 9) → 50 + 27 + 18 = 95.00  highest: dropped
#   J4 (7, 6, 5)  → 35 + 18 + 10 = 63.00  lowest: dropped
#   J5 (9, 9, 8)  → 45 + 27 + 16 = 88.00
#   score = (83 + 80 + 88) / 3 = 251 / 3 = 83.666… → 83.67
# 选手D reaches the same score another way:
#   J1 (8, 8, 8) = 80, J2 (9, 8, 7) = 83, J3 (9, 9, 8) = 88, J4 (10, 10, 10) = 100 dropped,
#   J5 (5, 5, 5) = 50 dropped → (80 + 83 + 88) / 3 = 83.67
# 选手B: every judge (9, 9, 9) = 45 + 27 + 18 = 90.00
# 选手C and 选手E: every judge (8, 8, 8) = 80.00
# 选手F: not scored.
# Ranks: B 1 (90.00), A 2 and D 2 (83.67), C 4 and E 4 (80.00), F unranked.
SHEETS_A = [[9, 8, 7], [8, 8, 8], [10, 9, 9], [7, 6, 5], [9, 9, 8]]
SHEETS_D = [[8, 8, 8], [9, 8, 7], [9, 9, 8], [10, 10, 10], [5, 5, 5]]
NAMES = ["选手A", "选手B", "选手C", "选手D", "选手E", "选手F"]

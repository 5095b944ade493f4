"""项目清单 and 结对共建: co-building projects posted by community staff, claimed by units with the
resources they commit, joined by members, closed with outcomes that pay the participants; and
the co-building agreements (共建协议) between a unit and a community."""

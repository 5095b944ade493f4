"""服务队: service teams of members (legal, medical, financial, science volunteers …) with a
leader and a home community or unit; a team claims pool needs and projects as one."""

"""志愿服务证明: certificates of a member's verified service, with a public verification page."""

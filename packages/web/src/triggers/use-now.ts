import { useEffect, useState } from "react";

/** The current time, ticking every second, so relative times ("in 4 min") count on their own. */
export function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

import './style.css';
import { start } from './app';
import './pages/auth';
import './pages/dashboard';
import './pages/explore';
import './pages/coverage';
import './pages/import';

start(document.getElementById('app')!);
